#include "channels/telegramapi.h"

#include <QJsonDocument>
#include <QNetworkReply>
#include <QRegularExpression>

namespace relaydesk {

namespace {

int retryAfterFromDescription(const QString &description)
{
    static const QRegularExpression pattern(QStringLiteral("retry after (\\d+)"),
                                            QRegularExpression::CaseInsensitiveOption);
    const QRegularExpressionMatch match = pattern.match(description);
    return match.hasMatch() ? match.captured(1).toInt() : 0;
}

} // namespace

bool TelegramApi::Answer::retryable() const
{
    if (ok)
        return false;
    if (httpStatus == 0)
        return true;
    return errorCode == 429 || httpStatus == 429 || httpStatus >= 500 || httpStatus == 408;
}

TelegramApi::TelegramApi(const QString &baseUrl, const QString &token)
    : m_baseUrl(baseUrl.trimmed())
    , m_token(token.trimmed())
{
    while (m_baseUrl.endsWith(QLatin1Char('/')))
        m_baseUrl.chop(1);
}

QUrl TelegramApi::methodUrl(const QString &method) const
{
    return QUrl(m_baseUrl + QStringLiteral("/bot") + m_token + QLatin1Char('/') + method);
}

QUrl TelegramApi::fileUrl(const QString &filePath) const
{
    return QUrl(m_baseUrl + QStringLiteral("/file/bot") + m_token + QLatin1Char('/') + filePath);
}

QNetworkRequest TelegramApi::jsonRequest(const QString &method, int timeoutMs) const
{
    QNetworkRequest request(methodUrl(method));
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setHeader(QNetworkRequest::UserAgentHeader,
                      QByteArrayLiteral("Relaydesk/" RELAYDESK_VERSION));
    request.setTransferTimeout(timeoutMs);
    return request;
}

QString TelegramApi::redact(const QString &text) const
{
    if (m_token.isEmpty())
        return text;
    QString redacted = text;
    redacted.replace(m_token, QStringLiteral("<bot-token>"));
    // Qt may quote the URL percent-encoded; the token's ':' becomes %3A.
    QString encoded = m_token;
    encoded.replace(QLatin1Char(':'), QStringLiteral("%3A"));
    redacted.replace(encoded, QStringLiteral("<bot-token>"), Qt::CaseInsensitive);
    return redacted;
}

TelegramApi::Answer TelegramApi::read(QNetworkReply *reply) const
{
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status == 0) {
        Answer answer;
        answer.description = redact(reply->errorString());
        return answer;
    }
    return parse(status, reply->readAll(), reply->rawHeader("Retry-After"));
}

TelegramApi::Answer TelegramApi::parse(int httpStatus, const QByteArray &body,
                                       const QByteArray &retryAfterHeader)
{
    Answer answer;
    answer.httpStatus = httpStatus;
    answer.errorCode = httpStatus;
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(body, &error);
    const QJsonObject object = document.object();
    const bool telegramShaped =
        error.error == QJsonParseError::NoError && object.value(QStringLiteral("ok")).isBool();
    if (!telegramShaped) {
        // A proxy or load balancer answered, not the Bot API.
        answer.ok = false;
        answer.description =
            QStringLiteral("Telegram answered HTTP %1 without a Bot API body").arg(httpStatus);
    } else {
        answer.ok =
            object.value(QStringLiteral("ok")).toBool() && httpStatus >= 200 && httpStatus < 300;
        answer.result = object.value(QStringLiteral("result"));
        const int code = object.value(QStringLiteral("error_code")).toInt();
        if (code > 0)
            answer.errorCode = code;
        answer.description = object.value(QStringLiteral("description")).toString();
        const QJsonObject parameters = object.value(QStringLiteral("parameters")).toObject();
        answer.retryAfterSeconds = parameters.value(QStringLiteral("retry_after")).toInt();
        const QJsonValue migrate = parameters.value(QStringLiteral("migrate_to_chat_id"));
        if (migrate.isDouble())
            answer.migrateToChatId = migrate.toInteger();
        if (!answer.ok && answer.description.isEmpty())
            answer.description = QStringLiteral("Telegram answered HTTP %1").arg(httpStatus);
    }
    if (answer.retryAfterSeconds <= 0 && answer.errorCode == 429)
        answer.retryAfterSeconds = retryAfterFromDescription(answer.description);
    if (answer.retryAfterSeconds <= 0 && !retryAfterHeader.isEmpty()) {
        bool numeric = false;
        const int seconds = retryAfterHeader.trimmed().toInt(&numeric);
        if (numeric && seconds > 0)
            answer.retryAfterSeconds = seconds;
    }
    return answer;
}

} // namespace relaydesk
