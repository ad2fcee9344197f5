#pragma once

#include "core/enums.h"
#include "core/outcome.h"

#include <QJsonObject>
#include <QSqlDatabase>
#include <QString>
#include <QStringList>

namespace relaydesk {

// What a customer deletion removed, per table.
struct CustomerDeletion {
    int conversations = 0;
    int messages = 0;
    int events = 0;
    int jobs = 0;
    int externalIds = 0;
    int notes = 0;

    QJsonObject toJson() const;
};

// Privacy requests for one customer (a platform and its user id): export everything stored
// about them, or delete it. A customer's conversations are those they take part in
// (conversation_participants) or wrote a message in; both directions of those conversations
// belong to the export and the deletion. Every request is recorded in audit_log.
class CustomerRepository
{
public:
    explicit CustomerRepository(QSqlDatabase db);

    // `aliases` are other spellings of userId to match as well (the normalised phone number or
    // e-mail address threading stored as participant).
    Outcome<QStringList> conversationIds(Platform platform, const QString &userId,
                                         const QStringList &aliases = {});
    // {"platform", "user_id", "conversations": [{conversation..., "messages": [{message...,
    // "events": [...]}], "jobs": [...], "notes": [...]}]}
    Outcome<QJsonObject> exportCustomer(Platform platform, const QString &userId,
                                        const QStringList &aliases = {});
    // Messages, their events, jobs and external ids, notes, aliases, participants and the
    // conversations themselves (search index rows go with the messages). Run it inside one
    // transaction (the storage writer does).
    Outcome<CustomerDeletion> deleteCustomer(Platform platform, const QString &userId,
                                             const QStringList &aliases = {});
    Outcome<QString> audit(const QString &action, const QString &subject, const QString &actor,
                           const QString &requestId, const QJsonObject &detail);

    static QString subject(Platform platform, const QString &userId);

private:
    Outcome<int> run(const QString &sql, const QStringList &conversationIds);

    QSqlDatabase m_db;
};

} // namespace relaydesk
