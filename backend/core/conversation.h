#pragma once

#include "core/enums.h"

#include <QDateTime>
#include <QString>
#include <QStringList>

namespace relaydesk {

struct Conversation {
    QString id;
    Platform platform = Platform::Webhook;
    // The key threading matched on (platform-specific), kept so the next message finds it.
    QString threadKey;
    QStringList participants;
    ConversationStatus status = ConversationStatus::Open;
    Priority priority = Priority::Normal;
    QStringList labels;
    QString assignee;
    AiMode aiMode = AiMode::Review;
    // Set by moderation or the per-user AI rate limit: drafts wait for review whatever aiMode
    // says, and flagReason tells the operator why.
    bool flagged = false;
    QString flagReason;
    // Providers tried in order for this conversation's drafts; empty: the global [ai] chain.
    QStringList aiChain;
    QDateTime lastActivityAt;
    QDateTime createdAt;
    // Filled by list reads: preview of the newest message and how many drafts wait for review.
    QString lastMessagePreview;
    int pendingDrafts = 0;
};

} // namespace relaydesk
