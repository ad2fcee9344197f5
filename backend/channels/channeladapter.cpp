#include "channels/channeladapter.h"

namespace relaydesk {

void ChannelAdapter::recordResult(const SendResult &result)
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    if (result.ok) {
        m_health.lastSuccessAt = now;
        m_health.consecutiveFailures = 0;
    } else {
        m_health.lastErrorAt = now;
        m_health.lastError = result.error;
        ++m_health.consecutiveFailures;
    }
}

} // namespace relaydesk
