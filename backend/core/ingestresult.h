#pragma once

#include <QString>

namespace relaydesk {

// What the engine answers when it accepted a message: durable ids, known after COMMIT.
struct IngestResult {
    QString messageId;
    QString conversationId;
    QString jobId;
    bool duplicate = false; // the client or platform message id was seen before: nothing stored
};

} // namespace relaydesk
