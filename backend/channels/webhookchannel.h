#pragma once

#include "channels/channeladapter.h"
#include "channels/webhooksigner.h"

#include <QUrl>

class QNetworkAccessManager;

namespace relaydesk {

// The generic channel: POSTs each outbound message as JSON to `[channels.webhook]
// outbound_url`, signed Standard-Webhooks style when a secret is set. It carries every platform
// that has no adapter of its own, so a bot can relay replies wherever it likes.
class WebhookChannel : public ChannelAdapter
{
public:
    WebhookChannel(QNetworkAccessManager *network, QUrl outboundUrl, QString secret, int timeoutMs);

    QString name() const override;
    bool handles(Platform platform) const override;
    QCoro::Task<SendResult> send(OutboundContext context) override;

    static QByteArray payloadFor(const Message &message, const Conversation &conversation);

private:
    QNetworkAccessManager *m_network;
    QUrl m_outboundUrl;
    WebhookSigner m_signer;
    int m_timeoutMs;
};

} // namespace relaydesk
