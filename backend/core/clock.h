#pragma once

#include <QDateTime>

namespace relaydesk {

// The engine asks the clock, never QDateTime directly, so tests can cross the 24-hour session
// boundary without waiting a day.
class Clock
{
public:
    static QDateTime now();
    static void setOffsetForTesting(qint64 milliseconds);
};

} // namespace relaydesk
