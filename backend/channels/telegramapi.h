#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QNetworkRequest>
#include <QString>
#include <QUrl>
#include <optional>

class QNetworkReply;

namespace relaydesk {

// The Telegram Bot API's addressing and answer format, shared by the sender and the poller.
// Every method is https://api.telegram.org/bot<token>/<method>; every answer is
// {"ok":true,"result":...} or {"ok":false,"error_code":N,"description":"...","parameters":{...}}.
// The token is part of every URL, so whatever may end up in a log or an operator-visible error
// goes through redact() first.
class TelegramApi
{
public:
    struct Answer {
        bool ok = false;
        int httpStatus = 0;  // 0 when the request never got an HTTP answer
        int errorCode = 0;   // Telegram's error_code, else the HTTP status
        QString description; // Telegram's description, or the network error (redacted)
        QJsonValue result;   // "result" of a successful call
        int retryAfterSeconds = 0;
        std::optional<qint64> migrateToChatId; // the group became a supergroup with this id

        // Rate limits, server trouble and network errors heal; other client errors do not.
        bool retryable() const;
    };

    TelegramApi() = default;
    TelegramApi(const QString &baseUrl, const QString &token);

    bool hasToken() const { return !m_token.isEmpty(); }
    QUrl methodUrl(const QString &method) const;
    // Where a file's bytes are served once getFile returned its file_path.
    QUrl fileUrl(const QString &filePath) const;
    // A POST of a JSON body to `method`, with a transfer timeout.
    QNetworkRequest jsonRequest(const QString &method, int timeoutMs) const;
    // Replaces the token wherever it appears (Qt's error strings quote the full URL).
    QString redact(const QString &text) const;

    // Reads a finished reply (its body included).
    Answer read(QNetworkReply *reply) const;
    // The answer for an HTTP status and body. Understands both 429 forms: the current one with
    // parameters.retry_after and the older "Too Many Requests: retry after N" description;
    // a Retry-After header is the last resort.
    static Answer parse(int httpStatus, const QByteArray &body,
                        const QByteArray &retryAfterHeader = {});

private:
    QString m_baseUrl;
    QString m_token;
};

} // namespace relaydesk
