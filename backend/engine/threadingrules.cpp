#include "engine/threadingrules.h"

#include <QRegularExpression>
#include <algorithm>

namespace relaydesk {

namespace {

QString metadataValue(const Message &message, std::initializer_list<const char *> keys)
{
    for (const char *key : keys) {
        // Header names are case-insensitive; bots send them every which way.
        for (auto it = message.metadata.cbegin(); it != message.metadata.cend(); ++it) {
            if (it.key().compare(QLatin1String(key), Qt::CaseInsensitive) == 0 && !it.value().isEmpty())
                return it.value();
        }
    }
    return {};
}

QString family(Platform platform)
{
    // SMS and MMS between the same two numbers are one conversation.
    return platform == Platform::Mms ? toString(Platform::Sms) : toString(platform);
}

} // namespace

QString ThreadingRules::normalisePhone(const QString &text)
{
    QString digits;
    for (QChar c : text) {
        if (c.isDigit())
            digits += c;
    }
    return digits.isEmpty() ? text.trimmed().toLower() : QLatin1Char('+') + digits;
}

QString ThreadingRules::normaliseEmail(const QString &text)
{
    static const QRegularExpression angle(QStringLiteral("<([^>]+)>"));
    const auto match = angle.match(text);
    return (match.hasMatch() ? match.captured(1) : text).trimmed().toLower();
}

QStringList ThreadingRules::messageIds(const QString &header)
{
    static const QRegularExpression idPattern(QStringLiteral("<([^<>\\s]+)>"));
    QStringList ids;
    auto it = idPattern.globalMatch(header);
    while (it.hasNext())
        ids << it.next().captured(1).trimmed();
    if (ids.isEmpty()) {
        const auto parts = header.split(QRegularExpression(QStringLiteral("[\\s,]+")),
                                        Qt::SkipEmptyParts);
        for (const QString &part : parts)
            ids << part.trimmed();
    }
    return ids;
}

ThreadingKeys ThreadingRules::keysFor(const Message &message)
{
    ThreadingKeys keys;
    const QString platform = family(message.platform);

    if (!message.threadId.isEmpty()) {
        const QString alias = QStringLiteral("thread:%1:%2").arg(platform, message.threadId);
        keys.joinAliases << alias;
        keys.registerAliases << alias;
    }

    switch (message.platform) {
    case Platform::Sms:
    case Platform::Mms: {
        QString from = metadataValue(message, {"from"});
        QString to = metadataValue(message, {"to"});
        if (from.isEmpty())
            from = message.direction == Direction::Inbound ? message.userId : message.authorId;
        if (to.isEmpty())
            to = message.direction == Direction::Inbound ? message.authorId : message.userId;
        QStringList pair{normalisePhone(from), normalisePhone(to)};
        pair.removeAll(QString());
        pair.removeAll(QStringLiteral("+"));
        std::sort(pair.begin(), pair.end());
        pair.removeDuplicates();
        keys.participants = pair;
        keys.sessionKey = QStringLiteral("%1:pair:%2").arg(platform, pair.join(QLatin1Char('|')));
        break;
    }
    case Platform::Email: {
        const QStringList references =
            messageIds(metadataValue(message, {"in_reply_to", "in-reply-to"}))
            + messageIds(metadataValue(message, {"references"}));
        for (const QString &id : references)
            keys.joinAliases << QStringLiteral("email:msgid:") + id;
        const QStringList own = messageIds(metadataValue(message, {"message_id", "message-id"}));
        for (const QString &id : own)
            keys.registerAliases << QStringLiteral("email:msgid:") + id;
        QString from = metadataValue(message, {"from"});
        QString to = metadataValue(message, {"to"});
        if (from.isEmpty())
            from = message.direction == Direction::Inbound ? message.userId : message.authorId;
        if (to.isEmpty())
            to = message.direction == Direction::Inbound ? message.authorId : message.userId;
        QStringList participants{normaliseEmail(from), normaliseEmail(to)};
        participants.removeAll(QString());
        std::sort(participants.begin(), participants.end());
        participants.removeDuplicates();
        keys.participants = participants;
        keys.sessionKey =
            QStringLiteral("%1:participants:%2").arg(platform, participants.join(QLatin1Char('|')));
        break;
    }
    case Platform::Telegram:
    case Platform::Discord:
    case Platform::Twitter:
    case Platform::Webhook:
        keys.participants << message.userId;
        keys.sessionKey = QStringLiteral("%1:user:%2").arg(platform, message.userId);
        break;
    }
    return keys;
}

} // namespace relaydesk
