#include "ui/displaynames.h"

#include <QLocale>

#include <algorithm>

namespace relaydesk::ui {

QString DisplayNames::platform(Platform value)
{
    switch (value) {
    case Platform::Telegram:
        return tr("Telegram");
    case Platform::Discord:
        return tr("Discord");
    case Platform::Twitter:
        return tr("X");
    case Platform::Sms:
        return tr("SMS");
    case Platform::Mms:
        return tr("MMS");
    case Platform::Email:
        return tr("Email");
    case Platform::Webhook:
        break;
    }
    return tr("Webhook");
}

QString DisplayNames::conversationStatus(ConversationStatus value)
{
    switch (value) {
    case ConversationStatus::Open:
        return tr("Open");
    case ConversationStatus::Pending:
        return tr("Pending");
    case ConversationStatus::Resolved:
        return tr("Resolved");
    case ConversationStatus::Archived:
        break;
    }
    return tr("Archived");
}

QString DisplayNames::priority(Priority value)
{
    switch (value) {
    case Priority::Low:
        return tr("Low priority");
    case Priority::Normal:
        return tr("Normal priority");
    case Priority::High:
        return tr("High priority");
    case Priority::Urgent:
        break;
    }
    return tr("Urgent");
}

QString DisplayNames::priorityShort(Priority value)
{
    switch (value) {
    case Priority::Low:
        return tr("Low");
    case Priority::Normal:
        return tr("Normal");
    case Priority::High:
        return tr("High");
    case Priority::Urgent:
        break;
    }
    return tr("Urgent");
}

QString DisplayNames::aiMode(AiMode value)
{
    switch (value) {
    case AiMode::Auto:
        return tr("AI sends automatically");
    case AiMode::Review:
        return tr("AI drafts for review");
    case AiMode::Manual:
        break;
    }
    return tr("Manual replies only");
}

QString DisplayNames::authorKind(AuthorKind value)
{
    switch (value) {
    case AuthorKind::Customer:
        return tr("Customer");
    case AuthorKind::Operator:
        return tr("Operator");
    case AuthorKind::Ai:
        return tr("AI");
    case AuthorKind::System:
        break;
    }
    return tr("System");
}

QString DisplayNames::messageState(const QString &state)
{
    const auto type = parseEventType(state);
    if (!type)
        return state;
    switch (*type) {
    case EventType::Queued:
        return tr("Queued");
    case EventType::Processing:
        return tr("Processing");
    case EventType::Drafted:
        return tr("Draft");
    case EventType::Approved:
        return tr("Approved");
    case EventType::Rejected:
        return tr("Rejected");
    case EventType::Sent:
        return tr("Sent");
    case EventType::Delivered:
        return tr("Delivered");
    case EventType::Failed:
        return tr("Failed, retrying");
    case EventType::DeadLettered:
        break;
    case EventType::Discarded:
        return tr("Discarded");
    }
    return tr("Not delivered");
}

QString DisplayNames::activityTime(const QDateTime &at, const QDateTime &now)
{
    if (!at.isValid())
        return {};
    const QDateTime local = at.toLocalTime();
    const QDate today = now.toLocalTime().date();
    const QLocale locale;
    if (local.date() == today)
        return locale.toString(local.time(), QLocale::ShortFormat);
    if (local.date() == today.addDays(-1))
        return tr("Yesterday");
    return locale.toString(local.date(), QLocale::ShortFormat);
}

QString DisplayNames::messageTime(const QDateTime &at)
{
    if (!at.isValid())
        return {};
    const QDateTime local = at.toLocalTime();
    const QLocale locale;
    if (local.date() == QDate::currentDate())
        return locale.toString(local.time(), QLocale::ShortFormat);
    return locale.toString(local, QLocale::ShortFormat);
}

QString DisplayNames::waitingTime(const QDateTime &since, const QDateTime &now)
{
    if (!since.isValid())
        return {};
    const qint64 minutes = std::max<qint64>(0, since.secsTo(now) / 60);
    if (minutes < 1)
        return tr("just now");
    if (minutes < 60)
        return tr("%1 min").arg(minutes);
    const qint64 hours = minutes / 60;
    if (hours < 24)
        return minutes % 60 == 0 ? tr("%1 h").arg(hours)
                                 : tr("%1 h %2 min").arg(hours).arg(minutes % 60);
    return tr("%1 d").arg(hours / 24);
}

QString DisplayNames::aiState(AiMode mode, int pendingDrafts, bool flagged)
{
    if (flagged)
        return tr("Flagged");
    if (pendingDrafts > 0)
        return pendingDrafts == 1 ? tr("Draft waiting")
                                  : tr("%1 drafts waiting").arg(pendingDrafts);
    switch (mode) {
    case AiMode::Auto:
        return tr("AI auto");
    case AiMode::Review:
        return tr("AI review");
    case AiMode::Manual:
        break;
    }
    return tr("Manual");
}

QString DisplayNames::jobKind(const QString &kind)
{
    if (kind == QLatin1String("draft"))
        return tr("Draft reply");
    if (kind == QLatin1String("send"))
        return tr("Send message");
    return kind;
}

QString DisplayNames::jobState(const QString &state)
{
    if (state == QLatin1String("ready"))
        return tr("Ready");
    if (state == QLatin1String("running"))
        return tr("Running");
    if (state == QLatin1String("done"))
        return tr("Done");
    if (state == QLatin1String("dead"))
        return tr("Dead letters");
    return state;
}

} // namespace relaydesk::ui
