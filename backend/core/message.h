#pragma once

#include "core/enums.h"

#include <QDateTime>
#include <QList>
#include <QMap>
#include <QString>

namespace relaydesk {

struct Attachment {
    QString url;
    QString contentType;
    friend bool operator==(const Attachment &, const Attachment &) = default;
};

// A message is immutable once stored: its state lives in message_events, and `state` here is
// the latest of those events, filled in by reads for convenience.
struct Message {
    QString id;
    QString conversationId;
    Direction direction = Direction::Inbound;
    Platform platform = Platform::Webhook;
    AuthorKind authorKind = AuthorKind::Customer;
    QString authorId;
    QString userId;
    QString threadId;
    QString content;
    QList<Attachment> attachments;
    Priority priority = Priority::Normal;
    QMap<QString, QString> metadata;
    QString clientMessageId;
    QDateTime createdAt;
    QString state;
};

} // namespace relaydesk
