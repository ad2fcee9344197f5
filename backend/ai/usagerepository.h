#pragma once

#include "ai/usagerecord.h"
#include "core/outcome.h"

#include <QList>
#include <QSqlDatabase>

namespace relaydesk {

enum class UsageGrouping { Provider, Model, Conversation, Day };

// The `usage` table (migration 003): one row per provider call, summed for GET /api/v1/usage.
class UsageRepository
{
public:
    explicit UsageRepository(QSqlDatabase db);

    Outcome<Done> insert(const UsageRecord &record);
    // Totals per group, largest cost first (days: newest first); `since`/`until` bound created_at
    // when valid.
    Outcome<QList<UsageTotal>> totals(UsageGrouping grouping, const QDateTime &since = {},
                                      const QDateTime &until = {}, int limit = 500);

    // The same sums over every row in the bounds.
    Outcome<UsageTotal> overall(const QDateTime &since = {}, const QDateTime &until = {});

    static std::optional<UsageGrouping> parseGrouping(const QString &text);
    static QString toString(UsageGrouping grouping);

private:
    Outcome<QList<UsageTotal>> query(const QString &key, const QString &order,
                                     const QDateTime &since, const QDateTime &until, int limit,
                                     bool days);

    QSqlDatabase m_db;
};

} // namespace relaydesk
