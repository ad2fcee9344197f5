#include "channels/retryhint.h"

#include <algorithm>

namespace relaydesk {

int RetryHint::fromRetryAfter(QByteArrayView value, const QDateTime &now)
{
    const QByteArray text = value.toByteArray().trimmed();
    if (text.isEmpty())
        return 0;
    bool numeric = false;
    const qint64 seconds = text.toLongLong(&numeric);
    if (numeric)
        return seconds < 0 ? 0 : int(std::min<qint64>(seconds, kMaxSeconds));
    const QDateTime at = QDateTime::fromString(QString::fromLatin1(text), Qt::RFC2822Date);
    if (!at.isValid())
        return 0;
    return int(std::clamp<qint64>(now.secsTo(at), 0, kMaxSeconds));
}

int RetryHint::fromResetTime(QByteArrayView value, const QDateTime &now)
{
    bool numeric = false;
    const qint64 reset = value.toByteArray().trimmed().toLongLong(&numeric);
    if (!numeric || reset <= 0)
        return 0;
    return int(std::clamp<qint64>(reset - now.toSecsSinceEpoch(), 1, kMaxSeconds));
}

} // namespace relaydesk
