#include "ui/theme.h"

namespace relaydesk::ui {

QColor Theme::platformColor(Platform platform)
{
    switch (platform) {
    case Platform::Telegram:
        return QColor(0x22, 0x9E, 0xD9);
    case Platform::Discord:
        return QColor(0x58, 0x65, 0xF2);
    case Platform::Twitter:
        return QColor(0x14, 0x17, 0x1A);
    case Platform::Sms:
    case Platform::Mms:
        return QColor(0x16, 0xA3, 0x4A);
    case Platform::Email:
        return QColor(0xEA, 0x58, 0x0C);
    case Platform::Webhook:
        break;
    }
    return QColor(0x64, 0x74, 0x8B);
}

QColor Theme::priorityColor(Priority priority)
{
    switch (priority) {
    case Priority::Urgent:
        return QColor(0xDC, 0x26, 0x26);
    case Priority::High:
        return QColor(0xEA, 0x58, 0x0C);
    case Priority::Normal:
        return QColor(0x47, 0x55, 0x69);
    case Priority::Low:
        break;
    }
    return QColor(0x94, 0xA3, 0xB8);
}

QColor Theme::statusColor(ConversationStatus status)
{
    switch (status) {
    case ConversationStatus::Open:
        return QColor(0x25, 0x63, 0xEB);
    case ConversationStatus::Pending:
        return QColor(0xD9, 0x77, 0x06);
    case ConversationStatus::Resolved:
        return QColor(0x16, 0xA3, 0x4A);
    case ConversationStatus::Archived:
        break;
    }
    return QColor(0x64, 0x74, 0x8B);
}

QColor Theme::stateColor(const QString &state)
{
    const auto type = parseEventType(state);
    if (!type)
        return mutedText();
    switch (*type) {
    case EventType::Sent:
    case EventType::Delivered:
        return QColor(0x15, 0x80, 0x3D);
    case EventType::Failed:
    case EventType::DeadLettered:
    case EventType::Rejected:
        return QColor(0xB9, 0x1C, 0x1C);
    case EventType::Drafted:
    case EventType::Approved:
        return QColor(0xB4, 0x53, 0x09);
    case EventType::Queued:
    case EventType::Processing:
        break;
    }
    return mutedText();
}

QColor Theme::bubbleBackground(AuthorKind kind)
{
    switch (kind) {
    case AuthorKind::Customer:
        return QColor(0xFF, 0xFF, 0xFF);
    case AuthorKind::Operator:
        return QColor(0xDB, 0xEA, 0xFE);
    case AuthorKind::Ai:
        return QColor(0xED, 0xE9, 0xFE);
    case AuthorKind::System:
        break;
    }
    return QColor(0xF1, 0xF5, 0xF9);
}

QColor Theme::bubbleBorder(AuthorKind kind)
{
    switch (kind) {
    case AuthorKind::Customer:
        return QColor(0xE2, 0xE8, 0xF0);
    case AuthorKind::Operator:
        return QColor(0x93, 0xC5, 0xFD);
    case AuthorKind::Ai:
        return QColor(0xC4, 0xB5, 0xFD);
    case AuthorKind::System:
        break;
    }
    return QColor(0xE2, 0xE8, 0xF0);
}

QColor Theme::draftBackground()
{
    return QColor(0xFF, 0xFB, 0xEB);
}
QColor Theme::draftBorder()
{
    return QColor(0xF5, 0x9E, 0x0B);
}
QColor Theme::accent()
{
    return QColor(0x25, 0x63, 0xEB);
}
QColor Theme::mutedText()
{
    return QColor(0x64, 0x74, 0x8B);
}
QColor Theme::errorText()
{
    return QColor(0x99, 0x1B, 0x1B);
}
QColor Theme::errorBackground()
{
    return QColor(0xFE, 0xE2, 0xE2);
}
QColor Theme::windowBackground()
{
    return QColor(0xF8, 0xFA, 0xFC);
}
QColor Theme::separator()
{
    return QColor(0xE2, 0xE8, 0xF0);
}

QString Theme::css(const QColor &color)
{
    return color.name(QColor::HexRgb);
}

} // namespace relaydesk::ui
