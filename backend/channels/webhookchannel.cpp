#include "channels/webhookchannel.h"

#include "core/messagecodec.h"

#include <QCoro/QCoroNetworkReply>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>

namespace relaydesk {

WebhookChannel::WebhookChannel(QNetworkAccessManager *network, QUrl outboundUrl, QString secret,
                               int timeoutMs)
    : m_network(network)
    , m_outboundUrl(std::move(outboundUrl))
    , m_signer(secret)
    , m_timeoutMs(timeoutMs)
{}

QString WebhookChannel::name() const
{
    return QStringLiteral("webhook");
}

bool WebhookChannel::handles(Platform) const
{
    return true;
}

QByteArray WebhookChannel::payloadFor(const Message &message, const Conversation &conversation)
{
    QJsonObject object = MessageCodec::toJson(message);
    object.insert(QStringLiteral("type"), QStringLiteral("message.outbound"));
    object.insert(QStringLiteral("participants"),
                  QJsonArray::fromStringList(conversation.participants));
    object.remove(QStringLiteral("status"));
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

QCoro::Task<SendResult> WebhookChannel::send(OutboundContext context)
{
    const Message &message = context.message;
    const QByteArray body = payloadFor(message, context.conversation);
    QNetworkRequest request(m_outboundUrl);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setHeader(QNetworkRequest::UserAgentHeader,
                      QByteArrayLiteral("Relaydesk/" RELAYDESK_VERSION));
    // The message id doubles as idempotency key so a receiver can drop a retried delivery.
    request.setRawHeader("Idempotency-Key", message.id.toUtf8());
    request.setRawHeader("webhook-id", message.id.toUtf8());
    const qint64 timestamp = QDateTime::currentSecsSinceEpoch();
    request.setRawHeader("webhook-timestamp", QByteArray::number(timestamp));
    if (m_signer.isValid())
        request.setRawHeader("webhook-signature",
                             m_signer.sign(message.id.toUtf8(), timestamp, body));
    request.setTransferTimeout(m_timeoutMs);

    std::unique_ptr<QNetworkReply> reply(m_network->post(request, body));
    co_await qCoro(reply.get()).waitForFinished();

    SendResult result;
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (reply->error() == QNetworkReply::NoError && status >= 200 && status < 300) {
        result.ok = true;
        const QJsonObject answer = QJsonDocument::fromJson(reply->readAll()).object();
        result.externalId = answer.value(QStringLiteral("id")).toString();
    } else {
        result.ok = false;
        if (status > 0) {
            result.error = QStringLiteral("%1 answered HTTP %2")
                               .arg(m_outboundUrl.toDisplayString(QUrl::RemoveUserInfo))
                               .arg(status);
            // Client errors other than timeouts and rate limits will not heal by retrying.
            result.retryable = status == 408 || status == 409 || status == 429 || status >= 500;
            bool numeric = false;
            const int retryAfter = reply->rawHeader("Retry-After").toInt(&numeric);
            if (numeric)
                result.retryAfterSeconds = retryAfter;
        } else {
            result.error = QStringLiteral("%1: %2").arg(
                m_outboundUrl.toDisplayString(QUrl::RemoveUserInfo), reply->errorString());
            result.retryable = true;
        }
    }
    recordResult(result);
    co_return result;
}

} // namespace relaydesk
