#pragma once

#include "ai/responder.h"
#include "core/settings.h"

namespace relaydesk {

// The built-in responder: no network, no model. It answers with the configured canned answer
// whose keywords best match the customer's latest message, else a polite default, so a fresh
// install drafts something useful and the pipeline keeps working when every provider is down.
class OfflineResponder : public Responder
{
public:
    OfflineResponder(QList<CannedAnswer> answers, QString defaultReply);

    QString name() const override;
    QCoro::Task<Outcome<Draft>> draft(DraftRequest request) override;

    // The synchronous core of draft(), for callers and tests that need no coroutine.
    QString replyFor(const QString &customerText, int maxLength) const;
    static QString fitToLength(const QString &text, int maxLength);

private:
    QList<CannedAnswer> m_answers;
    QString m_defaultReply;
};

} // namespace relaydesk
