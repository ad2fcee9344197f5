#pragma once

#include "channels/channeladapter.h"
#include "core/ingestresult.h"
#include "core/outcome.h"
#include "core/settings.h"

#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QNetworkReply>
#include <QPointer>
#include <QUrlQuery>
#include <memory>

class QNetworkAccessManager;
class QTimer;

namespace relaydesk {

// One page of GET /2/dm_events (or a whole walk of pages, merged), with the expansions indexed
// by id so events can be resolved against them.
struct TwitterDmPage {
    QList<QJsonObject> events;         // as X returns them: newest first
    QHash<QString, QJsonObject> users; // includes.users by id
    QHash<QString, QJsonObject> media; // includes.media by media_key
    QString nextToken;                 // meta.next_token; empty on the last page
    int resultCount = 0;
};

// X (Twitter) API v2 Direct Messages. Inbound by polling GET /2/dm_events with an OAuth 2.0 user
// token; outbound with POST /2/dm_conversations/with/{participant_id}/messages (or the group
// conversation's own endpoint).
//
// GET /2/dm_events has no since_id parameter (X rejects unknown query parameters with 400), so
// the since_id cursor lives on our side: each poll walks the newest-first pages until it reaches
// the saved id, then ingests what is newer, oldest first, and only then saves the newest id.
// Ingestion de-duplicates on "twitter:<dm event id>", so a crash between the two repeats nothing.
class TwitterChannel : public ChannelAdapter
{
public:
    static constexpr int kMaxTextLength = 10000;
    static constexpr int kPageSize = 100;

    TwitterChannel(QNetworkAccessManager *network, TwitterSettings settings);
    ~TwitterChannel() override;

    QString name() const override;
    bool handles(Platform platform) const override;
    void start(InboundSink *sink) override;
    void stop() override;
    QCoro::Task<SendResult> send(OutboundContext context) override;

    // Pure and thread-safe.
    static Outcome<TwitterDmPage> parseEventsPage(const QByteArray &body);
    // A MessageCreate event as a customer message; metadata carries the reply address.
    static Outcome<Message> parseEvent(const QJsonObject &event, const TwitterDmPage &includes);
    // The dm_event_id of a 201 answer to a send.
    static Outcome<QString> parseSendResponse(const QByteArray &body);
    // X's own words for a failed request: detail, title and each errors[].message.
    static QString errorDetail(const QByteArray &body);
    // Pieces of at most `limit` UTF-16 units, preferring line and word boundaries and never
    // splitting a surrogate pair.
    static QStringList splitText(const QString &text, int limit = kMaxTextLength);
    // X ids are 64-bit snowflakes in decimal strings: newer means numerically larger.
    static bool isNewer(const QString &id, const QString &than);
    // The endpoint path a reply goes to: the group conversation, the last inbound's sender, or
    // the message's user id.
    static Outcome<QString> sendPathFor(const OutboundContext &context);
    static QUrlQuery eventsQuery(const QString &paginationToken);

private:
    struct HttpAnswer {
        int status = 0;
        QNetworkReply::NetworkError error = QNetworkReply::NoError;
        QString errorString;
        QByteArray body;
        qint64 rateLimitReset = -1; // x-rate-limit-reset, epoch seconds
        int rateLimitRemaining = -1;
    };
    enum class Step { Continue, Done, Wait, Failed };

    QCoro::Task<HttpAnswer> exchange(QNetworkRequest request, QByteArray body, bool post);
    QCoro::Task<> poll();
    static HttpAnswer answerOf(QNetworkReply *reply);
    QNetworkRequest request(const QString &path, const QUrlQuery &query = {}) const;
    void schedule(qint64 delayMs);
    void finishPoll();
    void pollFailed(const QString &error);
    void waitForRateLimit(const HttpAnswer &answer, const QString &what);
    qint64 msUntilAllowed() const;
    void noteRemaining(const HttpAnswer &answer);
    Step acceptSavedState(const Outcome<std::optional<QString>> &state);
    Step acceptMe(const HttpAnswer &answer);
    Step acceptPage(const HttpAnswer &answer);
    QList<QJsonObject> pendingOldestFirst() const;
    std::optional<Message> messageFor(const QJsonObject &event) const;
    Step acceptDelivery(const QString &eventId, const Outcome<IngestResult> &delivered);
    bool acceptSaved(const QString &newest, const Outcome<Done> &saved);
    void pollSucceeded();
    void resetWalk();
    QString failureText(const HttpAnswer &answer, const QString &what) const;
    static SendResult sendResultFor(const HttpAnswer &answer, int part, int parts);
    static QStringList outboundParts(const Message &message);
    static SendResult unsendable(const Outcome<QString> &path);

    QNetworkAccessManager *m_network;
    TwitterSettings m_settings;
    InboundSink *m_sink = nullptr;
    std::unique_ptr<QTimer> m_timer;
    // Coroutines still suspended when the channel goes away check this before touching it.
    std::shared_ptr<bool> m_alive = std::make_shared<bool>(true);
    QList<QPointer<QNetworkReply>> m_inFlight;
    bool m_stopped = true;
    bool m_polling = false;
    bool m_stateLoaded = false;
    QString m_sinceId;
    QString m_ownUserId;
    QDateTime m_notBefore; // no request to X before this (rate limit reset)

    // The walk in progress: pages fetched so far, kept across a rate-limit wait so it resumes
    // with the same pagination token instead of starting again.
    TwitterDmPage m_walk;
    QString m_walkToken;
    int m_walkPages = 0;
    bool m_walkInProgress = false;
    QString m_processedUpTo;
};

} // namespace relaydesk
