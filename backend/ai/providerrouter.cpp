#include "ai/providerrouter.h"

#include "ai/anthropicprovider.h"
#include "ai/openaiprovider.h"
#include "ai/retrytiming.h"
#include "ai/usagemeter.h"
#include "core/clock.h"
#include "core/uuid7.h"
#include "observability/logger.h"

#include <QCoro/QCoroTimer>
#include <QElapsedTimer>
#include <QRandomGenerator>
#include <QTimer>

namespace relaydesk {

ProviderRouter::ProviderRouter(PromptBuilder prompts, std::unique_ptr<OfflineResponder> offline,
                               PriceTable prices, RouterOptions options)
    : m_prompts(std::move(prompts))
    , m_offline(std::move(offline))
    , m_prices(std::move(prices))
    , m_options(options)
    , m_random([] { return QRandomGenerator::global()->generateDouble(); })
{
    m_options.maxRetries = std::max(0, m_options.maxRetries);
}

ProviderRouter::~ProviderRouter() = default;

std::unique_ptr<ProviderRouter> ProviderRouter::fromSettings(const Settings &settings,
                                                             QNetworkAccessManager *network,
                                                             int promptTokenBudget)
{
    RouterOptions options;
    options.maxRetries = settings.aiMaxRetries;
    auto router = std::make_unique<ProviderRouter>(
        PromptBuilder(PromptBuilder::optionsFrom(settings, promptTokenBudget)),
        std::make_unique<OfflineResponder>(settings.offlineAnswers, settings.offlineDefaultReply),
        PriceTable(settings.modelPrices), options);
    CircuitBreaker::Options breaker;
    breaker.failureThreshold = std::max(1, settings.breakerFailureThreshold);
    breaker.cooldownMs = std::max(1, settings.breakerCooldownSeconds) * 1000LL;
    const int timeoutMs = std::max(1, settings.aiTimeoutSeconds) * 1000;
    auto configFor = [timeoutMs](const QString &name, const AiProviderSettings &provider) {
        return ProviderConfig{name,           QUrl(provider.baseUrl), provider.apiKey,
                              provider.model, provider.maxTokens,     timeoutMs};
    };

    // "offline" is not built here: the router's own responder ends every chain.
    auto makeProvider = [&](const QString &name) -> std::unique_ptr<ChatProvider> {
        if (name == QLatin1String("anthropic"))
            return std::make_unique<AnthropicProvider>(network,
                                                       configFor(name, settings.anthropic));
        if (name == QLatin1String("openai"))
            return std::make_unique<OpenAiProvider>(network, configFor(name, settings.openai),
                                                    OpenAiProvider::Flavour::OpenAi);
        return std::make_unique<OpenAiProvider>(network, configFor(name, settings.local),
                                                OpenAiProvider::Flavour::Compatible);
    };

    QStringList added;
    const QStringList chain = settings.aiChain;
    for (qsizetype i = 0; i < chain.size(); ++i) {
        const QString name = chain.at(i).trimmed().toLower();
        if (name == QLatin1String("offline")) {
            if (i + 1 < chain.size())
                qCWarning(lcAi).noquote()
                    << "[ai] chain: providers after \"offline\" are never reached:"
                    << chain.mid(i + 1).join(QStringLiteral(", "));
            break;
        }
        if (added.contains(name))
            continue;
        if (const QString problem = chainProblem(settings, name); !problem.isEmpty()) {
            qCWarning(lcAi).noquote() << "[ai] chain: leaving out" << name << "-" << problem;
            continue;
        }
        router->addProvider(makeProvider(name), breaker);
        added << name;
    }
    // Providers outside the global chain draft only for conversations whose own chain names
    // them; anthropic and openai need their key for that too.
    for (const QString &name : knownProviders()) {
        if (name == QLatin1String("offline") || added.contains(name) ||
            !chainProblem(settings, name).isEmpty())
            continue;
        router->addProvider(makeProvider(name), breaker, false);
    }
    qCInfo(lcAi).noquote() << "AI provider chain:" << router->chain().join(QStringLiteral(" -> "));
    return router;
}

void ProviderRouter::addProvider(std::unique_ptr<ChatProvider> provider,
                                 CircuitBreaker::Options breaker, bool inGlobalChain)
{
    if (inGlobalChain)
        m_chain << provider->name();
    Link link;
    link.provider = std::move(provider);
    link.breaker = std::make_unique<CircuitBreaker>(breaker);
    link.inGlobalChain = inGlobalChain;
    m_links.push_back(std::move(link));
}

QStringList ProviderRouter::knownProviders()
{
    return {QStringLiteral("anthropic"), QStringLiteral("openai"), QStringLiteral("local"),
            QStringLiteral("offline")};
}

QString ProviderRouter::chainProblem(const Settings &settings, const QString &name)
{
    if (!knownProviders().contains(name))
        return QStringLiteral("unknown provider \"%1\" (known: %2)")
            .arg(name, knownProviders().join(QStringLiteral(", ")));
    if (name == QLatin1String("anthropic") && settings.anthropic.apiKey.isEmpty())
        return QStringLiteral("anthropic has no API key here ([ai.anthropic] api_key)");
    if (name == QLatin1String("openai") && settings.openai.apiKey.isEmpty())
        return QStringLiteral("openai has no API key here ([ai.openai] api_key)");
    return {};
}

ProviderRouter::Link *ProviderRouter::linkNamed(const QString &name)
{
    for (Link &link : m_links) {
        if (link.provider->name() == name)
            return &link;
    }
    return nullptr;
}

QString ProviderRouter::name() const
{
    return QStringLiteral("router");
}

void ProviderRouter::setUsageSink(UsageSink sink)
{
    m_usageSink = std::move(sink);
}

void ProviderRouter::setMeter(UsageMeter *meter)
{
    m_meter = meter;
}

void ProviderRouter::setRandom(std::function<double()> random)
{
    if (random)
        m_random = std::move(random);
}

QStringList ProviderRouter::chain() const
{
    QStringList names = m_chain;
    names << m_offline->name();
    return names;
}

QList<ProviderStatus> ProviderRouter::statuses() const
{
    QList<ProviderStatus> list;
    for (const Link &link : m_links) {
        if (link.inGlobalChain || link.used->load())
            list.append(ProviderStatus{link.provider->name(), link.provider->model(),
                                       link.breaker->snapshot()});
    }
    return list;
}

CircuitBreaker *ProviderRouter::breaker(const QString &providerName) const
{
    for (const Link &link : m_links) {
        if (link.provider->name() == providerName)
            return link.breaker.get();
    }
    return nullptr;
}

// GCC 12 miscompiles some temporaries in coroutine bodies (destroying them twice): the
// coroutines below await and branch only on named locals and keep their logic in plain functions.
QCoro::Task<Outcome<Draft>> ProviderRouter::draft(DraftRequest request)
{
    const Prompt prompt = m_prompts.build(request);
    const QString conversationId = request.conversation.id;
    // A conversation's own chain replaces the global one; "offline" ends either.
    const QStringList names =
        request.conversation.aiChain.isEmpty() ? m_chain : request.conversation.aiChain;
    QStringList failures;
    for (const QString &name : names) {
        if (name == m_offline->name())
            break;
        Link *found = linkNamed(name);
        if (!found) {
            failures << QStringLiteral("%1: not configured").arg(name);
            continue;
        }
        Link &link = *found;
        link.used->store(true);
        const bool usable = admit(link, prompt, failures);
        if (!usable)
            continue;
        QCoro::Task<ProviderReply> pending =
            callWithRetries(link, prompt, request.progress, conversationId);
        const ProviderReply reply = co_await pending;
        if (reply.ok()) {
            const Outcome<Draft> written = draftFrom(link, reply, request.maxLength, failures);
            co_return written;
        }
        failures << describe(link.provider->name(), reply);
    }
    const Outcome<Draft> fallback = offlineDraft(request, failures);
    co_return fallback;
}

QCoro::Task<ProviderReply> ProviderRouter::callWithRetries(Link &link, const Prompt &prompt,
                                                           ChatProvider::TextCallback onText,
                                                           QString conversationId)
{
    ProviderReply reply;
    for (int attempt = 0;; ++attempt) {
        QCoro::Task<ProviderReply> pending = link.provider->complete(prompt, onText);
        reply = co_await pending;
        account(link, reply, conversationId);
        const qint64 wait = retryDelay(reply, attempt);
        if (wait < 0)
            break;
        qCInfo(lcAi).noquote() << describe(link.provider->name(), reply) << "- retrying in" << wait
                               << "ms";
        // Precise: a coarse timer may fire 5 % early, sooner than the provider asked.
        QTimer pause;
        pause.setTimerType(Qt::PreciseTimer);
        pause.setSingleShot(true);
        pause.start(int(wait));
        QCoro::Task<> paused = qCoro(pause).waitForTimeout();
        co_await paused;
        const bool again = link.breaker->tryAcquire();
        if (!again)
            break;
    }
    co_return reply;
}

bool ProviderRouter::admit(Link &link, const Prompt &prompt, QStringList &failures) const
{
    if (prompt.messages.isEmpty()) {
        failures << QStringLiteral("%1: nothing to answer in the conversation")
                        .arg(link.provider->name());
        return false;
    }
    if (!link.breaker->tryAcquire()) {
        failures << QStringLiteral("%1: circuit open").arg(link.provider->name());
        if (m_meter)
            m_meter->record(UsageRecord{QString(), link.provider->name(), link.provider->model(),
                                        QString(), 0, 0, 0, toString(CallOutcome::CircuitOpen), 0,
                                        QDateTime()});
        return false;
    }
    return true;
}

void ProviderRouter::account(Link &link, const ProviderReply &reply, const QString &conversationId)
{
    if (reply.ok())
        link.breaker->recordSuccess();
    else
        link.breaker->recordFailure();
    UsageRecord record;
    record.id = Uuid7::generate();
    record.provider = link.provider->name();
    record.model = reply.model.isEmpty() ? link.provider->model() : reply.model;
    record.conversationId = conversationId;
    record.inputTokens = reply.inputTokens;
    record.outputTokens = reply.outputTokens;
    record.latencyMs = reply.latencyMs;
    record.outcome = toString(reply.outcome);
    record.cost =
        m_prices.cost(record.model, link.provider->model(), reply.inputTokens, reply.outputTokens);
    record.createdAt = Clock::now();
    if (!reply.ok())
        qCWarning(lcAi).noquote() << describe(record.provider, reply);
    if (m_meter)
        m_meter->record(record);
    if (m_usageSink)
        m_usageSink(record);
}

qint64 ProviderRouter::retryDelay(const ProviderReply &reply, int attempt) const
{
    if (!reply.retryable() || attempt >= m_options.maxRetries)
        return -1;
    if (reply.retryAfterMs >= 0)
        return reply.retryAfterMs <= m_options.maxRetryDelayMs ? reply.retryAfterMs : -1;
    return RetryTiming::backoffMs(attempt, m_random());
}

Outcome<Draft> ProviderRouter::draftFrom(const Link &link, const ProviderReply &reply,
                                         int maxLength, const QStringList &failures) const
{
    return Draft{OfflineResponder::fitToLength(reply.text.trimmed(), maxLength),
                 link.provider->name(), reply.model, noteFrom(failures)};
}

Outcome<Draft> ProviderRouter::offlineDraft(const DraftRequest &request,
                                            const QStringList &failures)
{
    QElapsedTimer clock;
    clock.start();
    QString customerText;
    for (auto it = request.history.crbegin(); it != request.history.crend(); ++it) {
        if (it->authorKind == AuthorKind::Customer) {
            customerText = it->content;
            break;
        }
    }
    Draft draft{m_offline->replyFor(customerText, request.maxLength), m_offline->name(),
                QStringLiteral("canned"), noteFrom(failures)};
    UsageRecord record{Uuid7::generate(),
                       draft.provider,
                       draft.model,
                       request.conversation.id,
                       0,
                       0,
                       clock.elapsed(),
                       toString(CallOutcome::Success),
                       0,
                       Clock::now()};
    if (m_meter)
        m_meter->record(record);
    if (m_usageSink)
        m_usageSink(record);
    if (request.progress)
        request.progress(draft.text);
    return draft;
}

QString ProviderRouter::describe(const QString &provider, const ProviderReply &reply)
{
    QString text = provider + QStringLiteral(": ") + toString(reply.outcome);
    if (reply.httpStatus > 0)
        text += QStringLiteral(" (HTTP %1)").arg(reply.httpStatus);
    if (!reply.errorMessage.isEmpty())
        text += QStringLiteral(" ") + reply.errorMessage.left(200);
    return text;
}

QString ProviderRouter::noteFrom(const QStringList &failures)
{
    return failures.isEmpty() ? QString()
                              : QStringLiteral("after ") + failures.join(QStringLiteral("; "));
}

} // namespace relaydesk
