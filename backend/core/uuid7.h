#pragma once

#include <QString>

namespace relaydesk {

// RFC 9562 UUID version 7: 48-bit Unix milliseconds, then random bits, so ids sort by creation
// time and B-tree inserts stay append-mostly. Monotonic within a process: ids generated in the
// same millisecond still increase.
class Uuid7
{
public:
    static QString generate();
    static bool isValid(const QString &text);
};

} // namespace relaydesk
