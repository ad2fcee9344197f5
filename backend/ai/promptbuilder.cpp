#include "ai/promptbuilder.h"

#include "ai/offlineresponder.h"
#include "observability/logger.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

namespace relaydesk {

namespace {

constexpr int kPerMessageTokens = 4;

QString roleOf(const Message &message)
{
    return message.authorKind == AuthorKind::Customer ? QStringLiteral("user")
                                                      : QStringLiteral("assistant");
}

QString platformName(Platform platform)
{
    switch (platform) {
    case Platform::Telegram:
        return QStringLiteral("Telegram");
    case Platform::Discord:
        return QStringLiteral("Discord");
    case Platform::Twitter:
        return QStringLiteral("X (Twitter) direct messages");
    case Platform::Sms:
        return QStringLiteral("SMS");
    case Platform::Mms:
        return QStringLiteral("MMS");
    case Platform::Email:
        return QStringLiteral("e-mail");
    case Platform::Webhook:
        break;
    }
    return QStringLiteral("a web chat");
}

} // namespace

PromptBuilder::PromptBuilder(PromptOptions options)
    : m_options(std::move(options))
{
    m_options.historyMessages = std::max(1, m_options.historyMessages);
    m_options.tokenBudget = std::max(64, m_options.tokenBudget);
}

PromptOptions PromptBuilder::optionsFrom(const Settings &settings, int tokenBudget)
{
    PromptOptions options;
    options.systemPrompt = settings.systemPrompt.trimmed();
    options.historyMessages = settings.historyMessages;
    options.tokenBudget = tokenBudget;
    if (!settings.systemPromptFile.isEmpty()) {
        QString path = settings.systemPromptFile;
        if (QFileInfo(path).isRelative() && !settings.configFile.isEmpty())
            path = QFileInfo(settings.configFile).dir().filePath(path);
        QFile file(path);
        if (file.open(QIODevice::ReadOnly)) {
            const QString text = QString::fromUtf8(file.readAll()).trimmed();
            if (!text.isEmpty())
                options.systemPrompt = text;
        } else {
            qCWarning(lcAi).noquote() << "cannot read [ai] system_prompt_file" << path << ":"
                                      << file.errorString() << "- using system_prompt instead";
        }
    }
    return options;
}

QString PromptBuilder::defaultSystemPrompt()
{
    return QStringLiteral(
        "You are a friendly, concise customer support agent. Answer the customer's latest "
        "message using the conversation so far. Be accurate: if you do not know something, say "
        "that a member of the team will follow up rather than guessing. Never ask for passwords "
        "or full card numbers, and never promise refunds, discounts or deadlines that the "
        "conversation does not already confirm.");
}

int PromptBuilder::estimateTokens(const QString &text)
{
    return int((text.size() + 3) / 4);
}

QString PromptBuilder::systemPromptFor(const DraftRequest &request) const
{
    QString system =
        m_options.systemPrompt.isEmpty() ? defaultSystemPrompt() : m_options.systemPrompt;
    system += QStringLiteral("\n\nThis conversation takes place on %1. Write only the reply to "
                             "the customer, as plain text, in at most %2 characters: longer "
                             "replies cannot be delivered.")
                  .arg(platformName(request.conversation.platform))
                  .arg(request.maxLength);
    if (!request.instruction.trimmed().isEmpty())
        system += QStringLiteral("\n\nThe operator asked for this draft: ") +
                  request.instruction.trimmed();
    return system;
}

bool PromptBuilder::belongsInHistory(const Message &message)
{
    if (message.authorKind == AuthorKind::System)
        return false;
    // Drafts nobody approved never reached the customer; showing them to the model would make
    // it continue a conversation that did not happen.
    if (message.authorKind == AuthorKind::Ai && (message.state == toString(EventType::Drafted) ||
                                                 message.state == toString(EventType::Rejected)))
        return false;
    return !contentOf(message).isEmpty();
}

QString PromptBuilder::contentOf(const Message &message)
{
    QString content = message.content.trimmed();
    for (const Attachment &attachment : message.attachments) {
        const QString kind =
            attachment.contentType.isEmpty() ? QStringLiteral("file") : attachment.contentType;
        content += QStringLiteral("\n[attachment: %1]").arg(kind);
    }
    return content.trimmed();
}

Prompt PromptBuilder::build(const DraftRequest &request) const
{
    Prompt prompt;
    prompt.maxLength = request.maxLength;
    prompt.system = systemPromptFor(request);
    int used = estimateTokens(prompt.system);

    QList<Message> kept;
    for (auto it = request.history.crbegin(); it != request.history.crend(); ++it) {
        if (kept.size() >= m_options.historyMessages)
            break;
        if (belongsInHistory(*it))
            kept.prepend(*it);
    }
    // Leading operator turns have no question to answer and the Messages API requires the first
    // turn to be the user's; trailing ones would be read as the start of the answer.
    while (!kept.isEmpty() && roleOf(kept.first()) != QLatin1String("user"))
        kept.removeFirst();
    while (!kept.isEmpty() && roleOf(kept.last()) != QLatin1String("user"))
        kept.removeLast();

    // Newest first, so when the budget runs out it is the oldest turns that go.
    QList<PromptMessage> reversed;
    for (auto it = kept.crbegin(); it != kept.crend(); ++it) {
        const QString role = roleOf(*it);
        QString content = contentOf(*it);
        const bool merges = !reversed.isEmpty() && reversed.last().role == role;
        const int cost = estimateTokens(content) + (merges ? 1 : kPerMessageTokens);
        if (used + cost > m_options.tokenBudget) {
            if (!reversed.isEmpty())
                break;
            // The message being answered always goes in, cut to what fits.
            const int room = std::max(16, m_options.tokenBudget - used - kPerMessageTokens);
            content = OfflineResponder::fitToLength(content, room * 4);
            used += estimateTokens(content) + kPerMessageTokens;
            reversed.append(PromptMessage{role, content});
            break;
        }
        used += cost;
        if (merges)
            reversed.last().content = content + QStringLiteral("\n\n") + reversed.last().content;
        else
            reversed.append(PromptMessage{role, content});
    }
    // Cutting at the budget may leave an assistant turn first.
    while (!reversed.isEmpty() && reversed.last().role != QLatin1String("user"))
        reversed.removeLast();
    prompt.estimatedTokens = estimateTokens(prompt.system);
    for (auto it = reversed.crbegin(); it != reversed.crend(); ++it) {
        prompt.messages.append(*it);
        prompt.estimatedTokens += estimateTokens(it->content) + kPerMessageTokens;
    }
    return prompt;
}

} // namespace relaydesk
