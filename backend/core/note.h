#pragma once

#include <QDateTime>
#include <QString>

namespace relaydesk {

// An operator's private note on a conversation. Notes live apart from messages so nothing that
// sends, drafts, threads or counts messages can ever pick one up: they are never queued for a
// channel and never change the conversation's waiting time.
struct Note {
    QString id; // UUIDv7, so notes sort among the conversation's messages by id
    QString conversationId;
    QString author;
    QString content;
    QDateTime createdAt;
};

} // namespace relaydesk
