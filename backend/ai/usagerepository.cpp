#include "ai/usagerepository.h"

#include "core/uuid7.h"
#include "storage/database.h"

#include <QDate>

namespace relaydesk {

namespace {

constexpr qint64 kDayMs = 24LL * 60 * 60 * 1000;

} // namespace

UsageRepository::UsageRepository(QSqlDatabase db)
    : m_db(std::move(db))
{}

Outcome<Done> UsageRepository::insert(const UsageRecord &record)
{
    const QDateTime at =
        record.createdAt.isValid() ? record.createdAt : QDateTime::currentDateTimeUtc();
    auto query = Database::exec(
        m_db,
        QStringLiteral("INSERT INTO usage (id, provider, model, conversation_id, input_tokens, "
                       "output_tokens, latency_ms, outcome, cost, created_at) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
        {record.id.isEmpty() ? Uuid7::generate() : record.id, record.provider, record.model,
         record.conversationId, record.inputTokens, record.outputTokens, record.latencyMs,
         record.outcome, record.cost, at.toMSecsSinceEpoch()});
    if (!query.isOk())
        return query.error();
    return Done{};
}

Outcome<QList<UsageTotal>> UsageRepository::totals(UsageGrouping grouping, const QDateTime &since,
                                                   const QDateTime &until, int limit)
{
    switch (grouping) {
    case UsageGrouping::Provider:
        return query(QStringLiteral("provider"), QString(), since, until, limit, false);
    case UsageGrouping::Model:
        return query(QStringLiteral("model"), QString(), since, until, limit, false);
    case UsageGrouping::Conversation:
        return query(QStringLiteral("conversation_id"), QString(), since, until, limit, false);
    case UsageGrouping::Day:
        break;
    }
    // Integer division of Unix milliseconds: the same UTC day number on both dialects.
    return query(QStringLiteral("created_at / %1").arg(kDayMs), QStringLiteral("1 DESC"), since,
                 until, limit, true);
}

Outcome<UsageTotal> UsageRepository::overall(const QDateTime &since, const QDateTime &until)
{
    auto rows = query(QStringLiteral("'all'"), QString(), since, until, 1, false);
    if (!rows.isOk())
        return rows.error();
    return rows.value().isEmpty() ? UsageTotal{QStringLiteral("all"), 0, 0, 0, 0, 0, 0}
                                  : rows.value().first();
}

Outcome<QList<UsageTotal>> UsageRepository::query(const QString &key, const QString &order,
                                                  const QDateTime &since, const QDateTime &until,
                                                  int limit, bool days)
{
    QStringList where;
    QVariantList values;
    if (since.isValid()) {
        where << QStringLiteral("created_at >= ?");
        values << since.toMSecsSinceEpoch();
    }
    if (until.isValid()) {
        where << QStringLiteral("created_at < ?");
        values << until.toMSecsSinceEpoch();
    }
    QString sql = QStringLiteral("SELECT %1, COUNT(*), SUM(CASE WHEN outcome = 'success' THEN 0 "
                                 "ELSE 1 END), SUM(input_tokens), SUM(output_tokens), SUM(cost), "
                                 "AVG(latency_ms) FROM usage")
                      .arg(key);
    if (!where.isEmpty())
        sql += QStringLiteral(" WHERE ") + where.join(QStringLiteral(" AND "));
    sql += QStringLiteral(" GROUP BY 1 ORDER BY %1 LIMIT %2")
               .arg(order.isEmpty() ? QStringLiteral("6 DESC, 2 DESC, 1") : order)
               .arg(std::clamp(limit, 1, 10000));
    auto result = Database::exec(m_db, sql, values);
    if (!result.isOk())
        return result.error();
    QList<UsageTotal> totals;
    QSqlQuery &q = result.value();
    while (q.next()) {
        UsageTotal total;
        if (days)
            total.key = QDate(1970, 1, 1).addDays(q.value(0).toLongLong()).toString(Qt::ISODate);
        else
            total.key = q.value(0).toString();
        total.requests = q.value(1).toLongLong();
        total.failures = q.value(2).toLongLong();
        total.inputTokens = q.value(3).toLongLong();
        total.outputTokens = q.value(4).toLongLong();
        total.cost = q.value(5).toDouble();
        total.averageLatencyMs = qint64(q.value(6).toDouble() + 0.5);
        totals.append(total);
    }
    return totals;
}

std::optional<UsageGrouping> UsageRepository::parseGrouping(const QString &text)
{
    const QString t = text.trimmed().toLower();
    if (t.isEmpty() || t == QLatin1String("provider"))
        return UsageGrouping::Provider;
    if (t == QLatin1String("model"))
        return UsageGrouping::Model;
    if (t == QLatin1String("conversation"))
        return UsageGrouping::Conversation;
    if (t == QLatin1String("day"))
        return UsageGrouping::Day;
    return std::nullopt;
}

QString UsageRepository::toString(UsageGrouping grouping)
{
    switch (grouping) {
    case UsageGrouping::Provider:
        return QStringLiteral("provider");
    case UsageGrouping::Model:
        return QStringLiteral("model");
    case UsageGrouping::Conversation:
        return QStringLiteral("conversation");
    case UsageGrouping::Day:
        break;
    }
    return QStringLiteral("day");
}

} // namespace relaydesk
