#pragma once

#include "fakes/fakehttpserver.h"

#include <QHash>
#include <QJsonObject>
#include <QMutex>
#include <QObject>
#include <QQueue>
#include <QSet>

namespace relaydesk {

// Discord's REST API (v10) on a FakeHttpServer, as far as a support bot uses it:
// POST /api/v10/channels/{id}/messages answers the message object (the docs' example message
// with our content, nonce and a fresh id), de-duplicates by nonce under enforce_nonce, and
// carries X-RateLimit-Limit/Remaining/Reset/Reset-After/Bucket for a configurable bucket; a
// request past the bucket gets the 429 Discord sends (user scope, retry_after in seconds).
// POST /api/v10/users/@me/channels opens a DM channel. Wrong tokens get 401, forbidden
// channels 403 (50001), unknown ones 404 (10003), over-long content 400 (50035). Scripted
// answers (for example the docs' 429 examples) go before all of that.
class FakeDiscordRest : public QObject
{
    Q_OBJECT

public:
    explicit FakeDiscordRest(QString token, QObject *parent = nullptr);

    FakeHttpServer &server() { return m_server; }
    // What [channels.discord] base_url would be: http://127.0.0.1:<port>/api/v10
    QString baseUrl() const;

    // limit requests per window on the create-message bucket, for every channel alike.
    void setBucket(int limit, int windowMs);
    void forbidChannel(const QString &channelId) { m_forbidden.insert(channelId); }
    void hideChannel(const QString &channelId) { m_unknown.insert(channelId); }
    // Answers the next request with `response`, before any of the logic above.
    void queueResponse(const FakeResponse &response);
    // A docs example such as discord/docs_rate_limit_429_user.txt: "< " status line, headers and
    // the JSON body, exactly as printed.
    static FakeResponse fromDocsExample(const QString &fixturePath);
    static FakeResponse rateLimited(double retryAfterSeconds, bool global = false);
    static FakeResponse error(int status, int code, const QString &message);

    // Requests that created a message (or tried to), in order.
    QList<RecordedRequest> messageRequests() const;
    QList<QJsonObject> createdMessages() const;
    int rateLimitedCount() const;
    bool waitForMessageRequests(int count, int timeoutMs = 5000);

    static QString botUserId() { return QStringLiteral("1030118727418646629"); }

private:
    FakeResponse handle(const RecordedRequest &request);
    FakeResponse createMessage(const RecordedRequest &request, const QString &channelId);
    FakeResponse openDirectMessage(const RecordedRequest &request);
    FakeResponse withBucketHeaders(FakeResponse response, qint64 nowMs);
    QString nextSnowflake();

    FakeHttpServer m_server;
    QString m_token;
    mutable QMutex m_mutex;
    QQueue<FakeResponse> m_script;
    QSet<QString> m_forbidden;
    QSet<QString> m_unknown;
    QHash<QString, QJsonObject> m_byNonce;
    QList<QJsonObject> m_created;
    int m_rateLimited = 0;
    int m_bucketLimit = 5;
    int m_windowMs = 5000;
    qint64 m_windowStartMs = -1;
    int m_used = 0;
    qint64 m_nextId = 1250000000000000000;
};

} // namespace relaydesk
