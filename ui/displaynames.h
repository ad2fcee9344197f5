#pragma once

#include "core/enums.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QString>

namespace relaydesk::ui {

// The words the console shows for engine values. The engine speaks lower-case wire names; an
// operator reads these, translated.
class DisplayNames
{
    Q_DECLARE_TR_FUNCTIONS(DisplayNames)

public:
    static QString platform(Platform value);
    static QString conversationStatus(ConversationStatus value);
    static QString priority(Priority value);
    // One word, for tables and badges ("High").
    static QString priorityShort(Priority value);
    static QString aiMode(AiMode value);
    static QString authorKind(AuthorKind value);
    // `state` is a message's newest event type as stored ("dead_lettered"); unknown values are
    // shown as they are rather than hidden.
    static QString messageState(const QString &state);
    // Today's activity as a time of day, older activity as a date, like a mail client.
    static QString activityTime(const QDateTime &at, const QDateTime &now);
    static QString messageTime(const QDateTime &at);
    // How long a customer has been waiting, compact for the inbox ("4 min", "2 h 5 min").
    static QString waitingTime(const QDateTime &since, const QDateTime &now);
    // The AI's part in a conversation as one short phrase for the inbox row.
    static QString aiState(AiMode mode, int pendingDrafts, bool flagged);
    static QString jobKind(const QString &kind);
    static QString jobState(const QString &state);
};

} // namespace relaydesk::ui
