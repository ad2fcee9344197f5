#pragma once

#include "fakes/fakehttpserver.h"

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QStringList>

#include <optional>

namespace relaydesk {

// One DM the fake accepted through POST .../messages.
struct FakeTwitterSentDm {
    QString path;
    QString participantId;  // set for /2/dm_conversations/with/{participant_id}/messages
    QString conversationId; // the conversation the event was added to
    QString text;
    QString eventId;
    QJsonObject body;
};

// X API v2 Direct Messages on 127.0.0.1, speaking the wire protocol the recorded fixtures show:
// GET /2/users/me, GET /2/dm_events (newest first, dm_event.fields / expansions / user.fields /
// media.fields projection, max_results, opaque pagination tokens, X's 400 for unknown query
// parameters), POST /2/dm_conversations/with/{participant_id}/messages and
// POST /2/dm_conversations/{dm_conversation_id}/messages (201 with dm_conversation_id and
// dm_event_id; the sent DM joins the event list, as on X). Every answer carries
// x-rate-limit-limit / -remaining / -reset; a closed window answers 429 with X's problem body.
// Lives on the thread that creates it, like FakeHttpServer.
class FakeTwitter : public QObject
{
    Q_OBJECT

public:
    enum class Endpoint { Me, DmEvents, Send };

    explicit FakeTwitter(QObject *parent = nullptr);

    FakeHttpServer &http() { return m_http; }
    // The base URL for TwitterSettings::baseUrl.
    QUrl url() const { return m_http.url(); }

    // The only bearer token accepted; anything else gets X's 401.
    void setToken(const QString &token) { m_token = token; }
    QString token() const { return m_token; }

    // The authenticated account behind the token.
    void setMe(const QString &id, const QString &username, const QString &name);
    QString myId() const { return m_myId; }
    void addUser(const QString &id, const QString &username, const QString &name);
    void addMedia(const QJsonObject &media);

    // A DM from `senderId` to our account in their one-to-one conversation; returns its id.
    QString receive(const QString &senderId, const QString &text,
                    const QStringList &mediaKeys = {});
    // Any event as X stores it (all fields); one without "id" gets the next id. Returns the id.
    QString addEvent(QJsonObject event);
    QList<QJsonObject> events() const { return m_events; }
    static QString oneToOneConversationId(const QString &a, const QString &b);

    // The endpoint's window has `remaining` requests left until `resetInSeconds` from now;
    // 0 closes it, so the next request is answered 429.
    void setWindow(Endpoint endpoint, int remaining, int resetInSeconds);
    // How many requests the endpoint refused with 429: one per closed window for a client
    // that waits for x-rate-limit-reset, more for one that does not.
    int refusedCount(Endpoint endpoint) const;
    qint64 resetOf(Endpoint endpoint) const;

    // Answers from the endpoint leave after `milliseconds`, as from a slow X.
    void setDelay(Endpoint endpoint, int milliseconds)
    {
        m_delays.insert(int(endpoint), milliseconds);
    }

    // Sends to this participant are answered with `status` and `body` (X's error JSON).
    void refuseSendsTo(const QString &participantId, int status, const QByteArray &body);

    QList<FakeTwitterSentDm> sent() const { return m_sent; }
    QList<RecordedRequest> requestsTo(Endpoint endpoint) const;

    static QByteArray problemBody(int status, const QString &title, const QString &detail);
    static QByteArray invalidRequestBody(const QJsonObject &parameters, const QString &message);

private:
    struct Window {
        int limit = 0;
        int remaining = 0;
        qint64 reset = 0;
        int refused = 0;
    };

    FakeResponse handle(const RecordedRequest &request);
    FakeResponse usersMe(const RecordedRequest &request);
    FakeResponse dmEvents(const RecordedRequest &request);
    FakeResponse sendDm(const RecordedRequest &request, const QString &participantId,
                        const QString &conversationId);
    // Counts the request against the window; a 429 when it is closed.
    std::optional<FakeResponse> admit(Endpoint endpoint);
    FakeResponse withRateHeaders(FakeResponse response, Endpoint endpoint) const;
    FakeResponse json(int status, const QByteArray &body, Endpoint endpoint) const;
    QJsonObject project(const QJsonObject &event, const QStringList &fields) const;
    QString nextEventId();
    QString tokenFor(const QString &olderThan);

    FakeHttpServer m_http;
    QString m_token = QStringLiteral("x-user-token");
    QString m_myId;
    QHash<QString, QJsonObject> m_users;
    QHash<QString, QJsonObject> m_media;
    QList<QJsonObject> m_events; // oldest first
    quint64 m_lastId = 1585800613253812228ULL;
    QHash<QString, QString> m_tokens; // pagination token -> id the page starts below
    QHash<int, Window> m_windows;
    QHash<int, int> m_delays;
    QHash<QString, std::pair<int, QByteArray>> m_refusals;
    QList<FakeTwitterSentDm> m_sent;
    QHash<int, QList<RecordedRequest>> m_requests;
    // Recorded answers whose headers (api-version, x-access-level, ...) the fake reuses.
    FakeResponse m_readTemplate;
    FakeResponse m_sendTemplate;
};

} // namespace relaydesk
