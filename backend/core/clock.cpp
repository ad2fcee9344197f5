#include "core/clock.h"

#include <atomic>

namespace relaydesk {

namespace {
std::atomic<qint64> g_offsetMs{0};
}

QDateTime Clock::now()
{
    return QDateTime::fromMSecsSinceEpoch(QDateTime::currentMSecsSinceEpoch() + g_offsetMs.load(),
                                          Qt::UTC);
}

void Clock::setOffsetForTesting(qint64 milliseconds) { g_offsetMs.store(milliseconds); }

} // namespace relaydesk
