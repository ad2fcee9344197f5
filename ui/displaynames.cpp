#include "ui/displaynames.h"

#include <QLocale>

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

} // namespace relaydesk::ui
