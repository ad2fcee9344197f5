#pragma once

#include "core/message.h"

#include <QStringList>

namespace relaydesk {

// How a message finds its conversation, computed from the message alone.
struct ThreadingKeys {
    // Tried in order; any hit joins that conversation whatever its age (explicit thread ids,
    // e-mail In-Reply-To / References).
    QStringList joinAliases;
    // Joins the newest open conversation on this key if it was active within the session window.
    QString sessionKey;
    // Recorded for the conversation this message lands in, so later messages can refer to it.
    QStringList registerAliases;
    QStringList participants;
};

class ThreadingRules
{
public:
    static ThreadingKeys keysFor(const Message &message);

    // "+1 (555) 123-4567" and "15551234567" are the same number.
    static QString normalisePhone(const QString &text);
    // Extracts and lower-cases the address of "Jane <Jane@Example.com>".
    static QString normaliseEmail(const QString &text);
    // Message-IDs from an In-Reply-To or References header value, without angle brackets.
    static QStringList messageIds(const QString &header);
};

} // namespace relaydesk
