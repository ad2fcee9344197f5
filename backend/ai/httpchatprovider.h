#pragma once

#include "ai/chatprovider.h"
#include "ai/sseparser.h"

#include <QNetworkRequest>
#include <QPointer>
#include <QUrl>

class QNetworkAccessManager;
class QNetworkReply;

namespace relaydesk {

struct ProviderConfig {
    QString name; // "anthropic", "openai", "local"
    QUrl baseUrl;
    QString apiKey;
    QString model;
    int maxTokens = 1024;
    int timeoutMs = 30000;
};

// Where a streamed answer stands between events.
struct StreamState {
    bool finished = false; // the protocol's end marker arrived (message_stop, [DONE])
    bool failed = false;   // an error event arrived: the reply carries it
};

// The HTTP exchange every provider shares: POST a JSON body, enforce the time limit (total for
// a plain answer, between bytes while streaming), decode server-sent events as they arrive and
// classify failures. Subclasses only speak their wire format.
class HttpChatProvider : public ChatProvider
{
public:
    HttpChatProvider(QNetworkAccessManager *network, ProviderConfig config);

    QString name() const override { return m_config.name; }
    QString model() const override { return m_config.model; }
    const ProviderConfig &config() const { return m_config; }
    QCoro::Task<ProviderReply> complete(Prompt prompt, TextCallback onText) override;

    // The request exactly as it goes on the wire, for tests and logs.
    virtual QNetworkRequest buildRequest(bool stream) const = 0;
    virtual QByteArray buildBody(const Prompt &prompt, bool stream) const = 0;

    // Protocol parsing, public so fixtures can be checked without a server.
    // A complete 2xx JSON body; sets text, model, stop reason and usage, or an InvalidResponse.
    virtual void parseResponse(const QByteArray &body, ProviderReply &reply) const = 0;
    // A non-2xx body: error type and message (the status is already set).
    virtual void parseError(const QByteArray &body, ProviderReply &reply) const = 0;
    // One server-sent event of a streamed answer: appends to reply.text and usage.
    virtual void handleEvent(const SseEvent &event, ProviderReply &reply,
                             StreamState &state) const = 0;

    // Maps an HTTP status to the outcome it stands for.
    static CallOutcome outcomeForStatus(int status);
    // Largest body accepted: a runaway stream is cut off rather than eating memory.
    static constexpr qint64 kMaxBodyBytes = 8 * 1024 * 1024;

protected:
    QNetworkRequest jsonRequest(const QString &path) const;

private:
    struct Exchange;
    void attach(Exchange &exchange, QNetworkReply *reply) const;
    void onData(Exchange &exchange, QNetworkReply *reply) const;
    ProviderReply conclude(Exchange &exchange, QNetworkReply *reply) const;

    QPointer<QNetworkAccessManager> m_network;
    ProviderConfig m_config;
};

} // namespace relaydesk
