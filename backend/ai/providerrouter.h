#pragma once

#include "ai/chatprovider.h"
#include "ai/circuitbreaker.h"
#include "ai/offlineresponder.h"
#include "ai/pricetable.h"
#include "ai/promptbuilder.h"
#include "ai/responder.h"
#include "ai/usagerecord.h"

#include <atomic>
#include <functional>
#include <memory>
#include <vector>

class QNetworkAccessManager;

namespace relaydesk {

class UsageMeter;

struct RouterOptions {
    int maxRetries = 2; // per provider, after the first attempt
    // A provider asking to be left alone longer than this is failed over at once: waiting would
    // stall the draft, and calling it sooner than it asked would only be refused again.
    qint64 maxRetryDelayMs = 30000;
};

struct ProviderStatus {
    QString name;
    QString model;
    CircuitBreaker::Snapshot breaker;
};

// The responder the engine uses: tries the configured chain of providers in order ([ai] chain),
// skipping those whose circuit is open, retrying each on 408/409/429/5xx/529 (honouring
// retry-after-ms / retry-after, else exponential backoff with jitter), and falls back to the
// offline responder, which always answers. Every call is accounted (usage sink, Prometheus)
// and the draft names the provider and model that wrote it.
class ProviderRouter : public Responder
{
public:
    using UsageSink = std::function<void(const UsageRecord &)>;

    ProviderRouter(PromptBuilder prompts, std::unique_ptr<OfflineResponder> offline,
                   PriceTable prices, RouterOptions options);
    ~ProviderRouter() override;

    // The chain from [ai]: anthropic and openai need a key (a provider without one is left out
    // with a warning), local needs none; "offline" ends the chain wherever it appears.
    static std::unique_ptr<ProviderRouter> fromSettings(const Settings &settings,
                                                        QNetworkAccessManager *network,
                                                        int promptTokenBudget = 8000);

    // Appends a provider; call before the first draft. Outside the global chain it only
    // drafts for conversations whose own chain names it (Conversation::aiChain).
    void addProvider(std::unique_ptr<ChatProvider> provider, CircuitBreaker::Options breaker,
                     bool inGlobalChain = true);

    // Why `name` cannot be part of a conversation's chain with these settings (unknown
    // provider, or one without its API key), or empty when it can.
    static QString chainProblem(const Settings &settings, const QString &name);
    static QStringList knownProviders();

    QString name() const override;
    QCoro::Task<Outcome<Draft>> draft(DraftRequest request) override;

    // Receives every call's accounting record, on the drafting thread.
    void setUsageSink(UsageSink sink);
    void setMeter(UsageMeter *meter);
    // Jitter source in [0, 1); tests pin it.
    void setRandom(std::function<double()> random);

    // The global chain's provider names in order, ending with "offline".
    QStringList chain() const;
    // The global chain's providers, then those only conversations name once one has used
    // them. Safe from any thread once the chain is built.
    QList<ProviderStatus> statuses() const;
    CircuitBreaker *breaker(const QString &providerName) const;
    const PromptBuilder &prompts() const { return m_prompts; }

private:
    struct Link {
        std::unique_ptr<ChatProvider> provider;
        std::unique_ptr<CircuitBreaker> breaker;
        bool inGlobalChain = true;
        // Set on the drafting thread, read by statuses() wherever it is called.
        std::unique_ptr<std::atomic<bool>> used = std::make_unique<std::atomic<bool>>(false);
    };

    QCoro::Task<ProviderReply> callWithRetries(Link &link, const Prompt &prompt,
                                               ChatProvider::TextCallback onText,
                                               QString conversationId);
    Link *linkNamed(const QString &name);
    bool admit(Link &link, const Prompt &prompt, QStringList &failures) const;
    void account(Link &link, const ProviderReply &reply, const QString &conversationId);
    qint64 retryDelay(const ProviderReply &reply, int attempt) const;
    Outcome<Draft> draftFrom(const Link &link, const ProviderReply &reply, int maxLength,
                             const QStringList &failures) const;
    Outcome<Draft> offlineDraft(const DraftRequest &request, const QStringList &failures);
    static QString describe(const QString &provider, const ProviderReply &reply);
    static QString noteFrom(const QStringList &failures);

    PromptBuilder m_prompts;
    std::unique_ptr<OfflineResponder> m_offline;
    PriceTable m_prices;
    RouterOptions m_options;
    std::vector<Link> m_links;
    QStringList m_chain; // the global chain, without "offline"
    UsageSink m_usageSink;
    UsageMeter *m_meter = nullptr;
    std::function<double()> m_random;
};

} // namespace relaydesk
