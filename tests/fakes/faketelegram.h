#pragma once

#include "fakes/fakehttpserver.h"

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QObject>
#include <QString>

#include <optional>

class QTimer;

namespace relaydesk {

// The Telegram Bot API on 127.0.0.1, speaking its wire protocol: /bot<token>/<method> with
// parameters in the query, a JSON body or a form, answers {"ok":true,"result":...} or
// {"ok":false,"error_code":N,"description":"..."}, downloads under /file/bot<token>/<path>.
// Answers are built from the recorded fixtures in RELAYDESK_FIXTURES_DIR/telegram.
//
// getUpdates behaves like Telegram's: an offset confirms (forgets) every earlier update, a
// request with nothing to return is held until an update is pushed or its timeout passes, and a
// second getUpdates terminates a held one with 409. sendMessage refuses chats the bot never
// heard from with the recorded "chat not found" error, as Telegram does for users who never
// started the bot.
//
// Lives on the thread that creates it (the test thread); use it from there.
class FakeTelegram : public QObject
{
    Q_OBJECT

public:
    // The shape of a real token (bot id, colon, secret), so URL handling meets the colon.
    static constexpr const char *DefaultToken = "110201543:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";

    explicit FakeTelegram(const QString &token = QString::fromLatin1(DefaultToken),
                          QObject *parent = nullptr);
    ~FakeTelegram() override;

    FakeHttpServer &server() { return m_server; }
    // What [channels.telegram] base_url should be.
    QString baseUrl() const;
    QString token() const { return m_token; }

    static QByteArray fixtureBytes(const QString &name);
    static QJsonObject fixture(const QString &name);
    // An Update with `message` under `kind` ("message", "edited_message", ...).
    static QJsonObject update(qint64 updateId, const QJsonObject &message,
                              const QString &kind = QStringLiteral("message"));

    // Queues an update for getUpdates (answering a held poll at once) and learns its chat.
    void pushUpdate(const QJsonObject &update);
    int pendingUpdateCount() const { return int(m_updates.size()); }
    // The highest offset a getUpdates call confirmed (0: none).
    qint64 confirmedOffset() const { return m_confirmedOffset; }
    // Held getUpdates calls whose client still waits.
    int openPollCount();
    // Held getUpdates calls whose client hung up before an answer (stop() cancelling a poll).
    int abandonedPollCount();
    // Answers every held poll now with whatever is pending; returns how many clients got it.
    int releasePolls();

    void addChat(qint64 chatId, const QString &type = QStringLiteral("private"));
    void addFile(const QString &fileId, const QString &filePath, const QByteArray &content);

    // The next call of `method` gets `response` instead of the normal answer; with `after`,
    // that many calls are answered normally first. Scripts of one method run in order.
    void failNext(const QString &method, const FakeResponse &response, int after = 0);
    // Telegram's 429, shaped like the recorded error_429_retry_after.json.
    static FakeResponse tooManyRequests(int retryAfterSeconds);
    // A recorded error body (e.g. "error_400_chat_not_found.json") with its HTTP status.
    static FakeResponse errorFixture(const QString &name, int status);

    // Recorded calls of one Bot API method, and their parameters however they were sent.
    QList<RecordedRequest> calls(const QString &method) const;
    QList<QJsonObject> callParameters(const QString &method) const;
    static QJsonObject parameters(const RecordedRequest &request);
    bool waitForCalls(const QString &method, int count, int timeoutMs = 10000);

private:
    struct HeldPoll {
        FakeHttpServer::DeferredAnswer answer;
        qint64 offset = 0;
        int limit = 100;
        QTimer *timer = nullptr;
    };

    FakeResponse handle(const RecordedRequest &request);
    bool deferPoll(const RecordedRequest &request, const FakeHttpServer::DeferredAnswer &answer);
    QString methodOf(const RecordedRequest &request, bool *tokenOk) const;
    FakeResponse getUpdates(const QJsonObject &params);
    FakeResponse updatesFrom(qint64 offset, int limit) const;
    void confirm(qint64 offset);
    FakeResponse sendMessage(const QJsonObject &params);
    FakeResponse sendMedia(const QString &method, const QJsonObject &params);
    FakeResponse getFile(const QJsonObject &params);
    FakeResponse download(const QString &filePath) const;
    QJsonObject sentMessage(const QJsonObject &params, const QJsonObject &templateMessage);
    void prunePolls();
    void answerPoll(qsizetype index, const FakeResponse &response);
    static FakeResponse ok(const QJsonValue &result);
    static FakeResponse error(int code, const QString &description);

    FakeHttpServer m_server;
    QString m_token;
    QList<QJsonObject> m_updates;
    qint64 m_confirmedOffset = 0;
    QList<HeldPoll> m_held;
    int m_abandoned = 0;
    QMap<qint64, QJsonObject> m_chats;
    QHash<QString, QString> m_filePaths;       // file_id -> file_path
    QHash<QString, QByteArray> m_fileContents; // file_path -> bytes
    struct Script {
        int after = 0;
        FakeResponse response;
    };
    // Pops the scripted answer for this call of `method`, if there is one.
    std::optional<FakeResponse> scripted(const QString &method);
    bool hasScriptNow(const QString &method) const;

    QMap<QString, QList<Script>> m_failures;
    qint64 m_nextMessageId = 5000;
};

} // namespace relaydesk
