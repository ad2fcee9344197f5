#include "ai/retrytiming.h"

#include <QLocale>

#include <cmath>

namespace relaydesk {

qint64 RetryTiming::retryAfterMs(const QByteArray &retryAfterMsHeader,
                                 const QByteArray &retryAfterHeader, const QDateTime &now)
{
    bool ok = false;
    const double ms = retryAfterMsHeader.trimmed().toDouble(&ok);
    if (ok && std::isfinite(ms) && ms >= 0)
        return qint64(std::ceil(ms));
    const QByteArray value = retryAfterHeader.trimmed();
    if (value.isEmpty())
        return -1;
    const double seconds = value.toDouble(&ok);
    if (ok && std::isfinite(seconds) && seconds >= 0)
        return qint64(std::ceil(seconds * 1000));
    // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT".
    QDateTime at = QLocale::c().toDateTime(QString::fromLatin1(value),
                                           QStringLiteral("ddd, dd MMM yyyy HH:mm:ss 'GMT'"));
    if (!at.isValid())
        return -1;
    at.setTimeSpec(Qt::UTC);
    return std::max<qint64>(0, now.msecsTo(at));
}

qint64 RetryTiming::backoffMs(int retry, double random)
{
    const double base = std::min(500.0 * std::pow(2.0, std::clamp(retry, 0, 16)), 8000.0);
    const double jitter = 1.0 - 0.25 * std::clamp(random, 0.0, 1.0);
    return qint64(base * jitter);
}

} // namespace relaydesk
