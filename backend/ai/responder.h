#pragma once

#include "core/conversation.h"
#include "core/message.h"
#include "core/outcome.h"

#include <QCoro/QCoroTask>

#include <functional>

namespace relaydesk {

struct DraftRequest {
    Conversation conversation;
    QList<Message> history; // oldest first, ending with the message to answer
    int maxLength = 4096;   // the platform's limit; drafts never exceed it
    QString instruction;    // optional operator instruction ("shorter", "more formal")
    // When set, providers stream and call it with the text written so far, so the console can
    // show the draft as it is being written. Called on the responder's thread.
    std::function<void(const QString &text)> progress;
};

struct Draft {
    QString text;
    QString provider;
    QString model;
    QString note; // why an earlier provider in the chain did not write it, for the operator
};

// Writes a reply draft for a conversation. Implementations are asynchronous: they run on the
// engine thread and must never block it.
class Responder
{
public:
    virtual ~Responder() = default;
    virtual QString name() const = 0;
    virtual QCoro::Task<Outcome<Draft>> draft(DraftRequest request) = 0;
};

} // namespace relaydesk
