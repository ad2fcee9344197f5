#include "ui/providertest.h"

#include "ai/anthropicprovider.h"
#include "ai/openaiprovider.h"

#include <QCoro/QCoroTask>
#include <QNetworkAccessManager>

namespace relaydesk::ui {

ProviderTest::ProviderTest(QObject *parent)
    : QObject(parent)
    , m_network(new QNetworkAccessManager(this))
{}

ProviderTest::~ProviderTest() = default;

QString ProviderTest::start(const Settings &settings, const QString &provider)
{
    if (m_running)
        return tr("A test is already running.");
    const AiProviderSettings *config = provider == QLatin1String("anthropic") ? &settings.anthropic
                                       : provider == QLatin1String("openai")  ? &settings.openai
                                       : provider == QLatin1String("local")   ? &settings.local
                                                                              : nullptr;
    if (!config)
        return tr("Unknown provider \"%1\".").arg(provider);
    if (provider != QLatin1String("local") && config->apiKey.isEmpty())
        return tr("No API key is set for %1.").arg(provider);
    // A short answer is all a test needs; it keeps the cost of pressing the button at a few
    // tokens.
    const ProviderConfig client{provider,  QUrl(config->baseUrl), config->apiKey, config->model, 16,
                                kTimeoutMs};
    if (provider == QLatin1String("anthropic"))
        m_provider = std::make_unique<AnthropicProvider>(m_network, client);
    else
        m_provider = std::make_unique<OpenAiProvider>(m_network, client,
                                                      provider == QLatin1String("openai")
                                                          ? OpenAiProvider::Flavour::OpenAi
                                                          : OpenAiProvider::Flavour::Compatible);
    Prompt prompt;
    prompt.system = QStringLiteral("You are checking a connection. Answer with one word.");
    prompt.messages = {PromptMessage{QStringLiteral("user"), QStringLiteral("Reply with OK.")}};
    prompt.maxLength = 40;
    m_running = true;
    QCoro::connect(
        m_provider->complete(prompt, {}), this, [this, provider](const ProviderReply &reply) {
            m_running = false;
            if (reply.ok()) {
                Q_EMIT finished(provider, true,
                                tr("Answered in %1 ms by %2: \"%3\"")
                                    .arg(reply.latencyMs)
                                    .arg(reply.model, reply.text.simplified().left(60)));
                return;
            }
            QString why = reply.errorMessage.isEmpty() ? reply.errorType : reply.errorMessage;
            if (why.isEmpty())
                why = tr("no answer");
            Q_EMIT finished(provider, false,
                            reply.httpStatus > 0
                                ? tr("Failed (HTTP %1): %2").arg(reply.httpStatus).arg(why)
                                : tr("Failed: %1").arg(why));
        });
    return {};
}

} // namespace relaydesk::ui
