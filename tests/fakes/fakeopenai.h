#pragma once

#include "fakes/fakefailure.h"
#include "fakes/fakehttpserver.h"

#include <QJsonObject>
#include <QQueue>

namespace relaydesk {

// OpenAI Chat Completions on 127.0.0.1, or (Mode::Local) an OpenAI-compatible local server such
// as LM Studio or Ollama: POST /v1/chat/completions checked the way the service checks it,
// answered with a chat.completion or a chunk stream ending in "data: [DONE]", or with the
// failure queued by failNext(). A local server wants no key and reports no usage.
//
// It also serves POST /v1/moderations ({"model", "input"} -> {"id", "model", "results": [{
// "flagged", "categories", "category_scores", "category_applied_input_types"}]} with the
// omni-moderation categories): an input containing a word given to flagWhenInputContains() is
// flagged in that word's categories; failModerationNext() plays a failure instead.
class FakeOpenAi : public QObject
{
    Q_OBJECT

public:
    enum class Mode { OpenAi, Local };
    static constexpr const char *kApiKey = "sk-proj-test-0123456789";

    explicit FakeOpenAi(Mode mode = Mode::OpenAi, QObject *parent = nullptr);

    // What to put in [ai.openai] / [ai.local] base_url (it ends in /v1, like the real one).
    QString baseUrl() const;
    FakeHttpServer &server() { return m_server; }

    void setReply(const QString &text, int promptTokens = 33, int completionTokens = 10,
                  const QString &model = QStringLiteral("gpt-4o-mini-2024-07-18"));
    void setStreamChunking(int bytesPerChunk, int intervalMs);
    void failNext(const FakeFailure &failure, int times = 1);
    void flagWhenInputContains(const QString &word, const QStringList &categories);
    void failModerationNext(const FakeFailure &failure, int times = 1);
    // Bodies of the moderation requests received, in order.
    QList<QJsonObject> moderationRequests() const;
    static const QStringList &moderationCategories();
    int pendingFailures() const;

    QList<RecordedRequest> requests() const { return m_server.requests(); }
    QJsonObject requestBody(int index) const;

    QByteArray completionJson() const;
    QByteArray chunkStream(bool includeUsage, int deltasBeforeEnd = -1,
                           bool errorInstead = false) const;
    static QByteArray errorJson(const QString &message, const QString &type, const QJsonValue &code,
                                const QJsonValue &param = QJsonValue::Null);

private:
    FakeResponse answer(const RecordedRequest &request);
    FakeResponse moderation(const RecordedRequest &request);
    std::optional<FakeResponse> validate(const RecordedRequest &request, QJsonObject *body) const;
    FakeResponse failure(const FakeFailure &failure, bool stream, bool includeUsage) const;
    QByteArray chunk(const QJsonObject &delta, const QJsonValue &finishReason,
                     bool includeUsage) const;
    QStringList textPieces() const;

    Mode m_mode;
    FakeHttpServer m_server;
    QString m_text = QStringLiteral("Thanks for reaching out! Your order shipped yesterday.");
    int m_promptTokens = 33;
    int m_completionTokens = 10;
    QString m_model = QStringLiteral("gpt-4o-mini-2024-07-18");
    int m_chunkBytes = 64;
    int m_chunkIntervalMs = 0;
    mutable QMutex m_mutex;
    QQueue<FakeFailure> m_failures;
    QQueue<FakeFailure> m_moderationFailures;
    QList<std::pair<QString, QStringList>> m_flagWords;
};

} // namespace relaydesk
