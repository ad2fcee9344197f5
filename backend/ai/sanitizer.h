#pragma once

#include "core/enums.h"

#include <QString>

namespace relaydesk {

// Text as it enters the engine, before anything else looks at it: Unicode NFC (so the same word
// always compares, searches and moderates the same), line breaks unified to \n, and control
// characters other than \n and \t removed (terminal escapes, NULs that truncate C strings,
// invisible C1 codes), along with unpaired surrogates.
class Sanitizer
{
public:
    static QString clean(const QString &text);
    // clean(), then cut to the platform's length limit without splitting a surrogate pair.
    static QString forPlatform(const QString &text, Platform platform, bool *truncated = nullptr);
    static bool isStripped(char32_t codePoint);
};

} // namespace relaydesk
