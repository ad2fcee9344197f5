#pragma once

#include "fakes/fakefailure.h"
#include "fakes/fakehttpserver.h"

#include <QJsonObject>
#include <QQueue>

namespace relaydesk {

// The Anthropic Messages API on 127.0.0.1: POST /v1/messages checked the way the real service
// checks it (x-api-key, anthropic-version, the body's fields), answered with a real message or a
// real event stream, or with the failure queued by failNext(). Fixture files can be replayed
// through server().queueResponse(FakeResponse::fromFile(...)).
class FakeAnthropic : public QObject
{
    Q_OBJECT

public:
    static constexpr const char *kApiKey = "sk-ant-test-0123456789";

    explicit FakeAnthropic(QObject *parent = nullptr);

    // What to put in [ai.anthropic] base_url.
    QString baseUrl() const;
    FakeHttpServer &server() { return m_server; }

    // The successful answer: its text, usage and model.
    void setReply(const QString &text, int inputTokens = 42, int outputTokens = 17,
                  const QString &model = QStringLiteral("claude-3-5-haiku-20241022"));
    // Stream bodies go out in pieces of this many bytes, so clients see partial events.
    void setStreamChunking(int bytesPerChunk, int intervalMs);
    // Played, one per request, before the normal answer comes back.
    void failNext(const FakeFailure &failure, int times = 1);
    int pendingFailures() const;

    QList<RecordedRequest> requests() const { return m_server.requests(); }
    // The JSON body of the n-th request.
    QJsonObject requestBody(int index) const;

    // The protocol's building blocks, public for tests that compose their own answers.
    QByteArray messageJson() const;
    QByteArray eventStream(int deltasBeforeEnd = -1, bool errorInstead = false) const;
    static QByteArray errorJson(const QString &type, const QString &message);

private:
    FakeResponse answer(const RecordedRequest &request);
    std::optional<FakeResponse> validate(const RecordedRequest &request, QJsonObject *body) const;
    FakeResponse failure(const FakeFailure &failure, bool stream) const;
    QStringList textPieces() const;

    FakeHttpServer m_server;
    QString m_text = QStringLiteral("Thanks for reaching out! Your order shipped yesterday.");
    int m_inputTokens = 42;
    int m_outputTokens = 17;
    QString m_model = QStringLiteral("claude-3-5-haiku-20241022");
    int m_chunkBytes = 64;
    int m_chunkIntervalMs = 0;
    mutable QMutex m_mutex;
    QQueue<FakeFailure> m_failures;
};

} // namespace relaydesk
