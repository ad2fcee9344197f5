#pragma once

#include <QString>

namespace relaydesk {

// What the engine answers when it accepted a message: durable ids, known after COMMIT.
struct IngestResult {
    QString messageId;
    QString conversationId;
    QString jobId;
    bool duplicate = false; // the client or platform message id was seen before: nothing stored
    // A duplicate whose stored message has other content: the API refuses the reuse (422);
    // channels, whose ids are the platform's, treat it as the redelivery it is.
    bool differs = false;
};

} // namespace relaydesk
