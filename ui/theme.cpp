#include "ui/theme.h"

#include <QApplication>
#include <QGuiApplication>
#include <QSettings>

namespace relaydesk::ui {

namespace {

bool g_dark = false;

QColor pick(QRgb light, QRgb dark)
{
    return QColor::fromRgb(g_dark ? dark : light);
}

} // namespace

bool Theme::isDark()
{
    return g_dark;
}

void Theme::setDark(bool dark)
{
    g_dark = dark;
}

bool Theme::systemPrefersDark()
{
    // Qt 6.4 has no colour-scheme hint; the platform theme's palette tells the same. Read once,
    // before the console installs a palette of its own.
    static const bool dark = [] {
        const QPalette system = QGuiApplication::palette();
        return system.color(QPalette::Window).lightness() <
               system.color(QPalette::WindowText).lightness();
    }();
    return dark;
}

void Theme::applyToApplication()
{
    const QString choice = QSettings().value(QStringLiteral("Appearance/theme")).toString();
    applyToApplication(choice == QLatin1String("dark")    ? true
                       : choice == QLatin1String("light") ? false
                                                          : systemPrefersDark());
}

void Theme::applyToApplication(bool dark)
{
    systemPrefersDark();
    setDark(dark);
    if (qobject_cast<QApplication *>(QCoreApplication::instance()))
        QApplication::setPalette(palette());
}

QPalette Theme::palette()
{
    QPalette p;
    p.setColor(QPalette::Window, windowBackground());
    p.setColor(QPalette::WindowText, text());
    p.setColor(QPalette::Base, surface());
    p.setColor(QPalette::AlternateBase, windowBackground());
    p.setColor(QPalette::Text, text());
    p.setColor(QPalette::PlaceholderText, mutedText());
    p.setColor(QPalette::Button, surface());
    p.setColor(QPalette::ButtonText, text());
    p.setColor(QPalette::ToolTipBase, surface());
    p.setColor(QPalette::ToolTipText, text());
    p.setColor(QPalette::Highlight, accent());
    p.setColor(QPalette::HighlightedText, onAccent());
    p.setColor(QPalette::Link, accent());
    p.setColor(QPalette::Mid, separator());
    p.setColor(QPalette::Midlight, separator());
    p.setColor(QPalette::Dark, inputBorder());
    p.setColor(QPalette::Light, surface());
    p.setColor(QPalette::Shadow, g_dark ? QColor(Qt::black) : QColor(0x94, 0xA3, 0xB8));
    p.setColor(QPalette::BrightText, errorText());
    for (const QPalette::ColorRole role :
         {QPalette::WindowText, QPalette::Text, QPalette::ButtonText}) {
        p.setColor(QPalette::Disabled, role, mutedText());
    }
    return p;
}

QColor Theme::platformColor(Platform platform)
{
    switch (platform) {
    case Platform::Telegram:
        return QColor(0x22, 0x9E, 0xD9);
    case Platform::Discord:
        return QColor(0x58, 0x65, 0xF2);
    case Platform::Twitter:
        return pick(0x14171A, 0x475569);
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
        return pick(0xDC2626, 0xF87171);
    case Priority::High:
        return pick(0xEA580C, 0xFB923C);
    case Priority::Normal:
        return pick(0x475569, 0xCBD5E1);
    case Priority::Low:
        break;
    }
    return QColor(0x94, 0xA3, 0xB8);
}

QColor Theme::statusColor(ConversationStatus status)
{
    switch (status) {
    case ConversationStatus::Open:
        return pick(0x2563EB, 0x60A5FA);
    case ConversationStatus::Pending:
        return pick(0xD97706, 0xFBBF24);
    case ConversationStatus::Resolved:
        return pick(0x16A34A, 0x4ADE80);
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
        return successText();
    case EventType::Failed:
    case EventType::DeadLettered:
    case EventType::Rejected:
        return pick(0xB91C1C, 0xF87171);
    case EventType::Drafted:
    case EventType::Approved:
        return warningText();
    case EventType::Queued:
    case EventType::Processing:
    case EventType::Discarded:
        break;
    }
    return mutedText();
}

QColor Theme::bubbleBackground(AuthorKind kind)
{
    switch (kind) {
    case AuthorKind::Customer:
        return pick(0xFFFFFF, 0x1E293B);
    case AuthorKind::Operator:
        return pick(0xDBEAFE, 0x1E3A5F);
    case AuthorKind::Ai:
        return pick(0xEDE9FE, 0x2E2A4F);
    case AuthorKind::System:
        break;
    }
    return pick(0xF1F5F9, 0x1E293B);
}

QColor Theme::bubbleBorder(AuthorKind kind)
{
    switch (kind) {
    case AuthorKind::Customer:
        return pick(0xE2E8F0, 0x334155);
    case AuthorKind::Operator:
        return pick(0x93C5FD, 0x2563EB);
    case AuthorKind::Ai:
        return pick(0xC4B5FD, 0x6D28D9);
    case AuthorKind::System:
        break;
    }
    return pick(0xE2E8F0, 0x334155);
}

QColor Theme::authorColor(AuthorKind kind)
{
    switch (kind) {
    case AuthorKind::Ai:
        return pick(0x6D28D9, 0xC4B5FD);
    case AuthorKind::Operator:
        return pick(0x1D4ED8, 0x93C5FD);
    case AuthorKind::Customer:
    case AuthorKind::System:
        break;
    }
    return secondaryText();
}

QColor Theme::draftBackground()
{
    return pick(0xFFFBEB, 0x2A2414);
}
QColor Theme::draftBorder()
{
    return pick(0xF59E0B, 0xB45309);
}
QColor Theme::draftTitle()
{
    return pick(0x92400E, 0xFCD34D);
}
QColor Theme::accent()
{
    return pick(0x2563EB, 0x3B82F6);
}
QColor Theme::accentSoft()
{
    return pick(0x93C5FD, 0x1E40AF);
}
QColor Theme::onAccent()
{
    return QColor(Qt::white);
}
QColor Theme::surface()
{
    return pick(0xFFFFFF, 0x1E293B);
}
QColor Theme::windowBackground()
{
    return pick(0xF8FAFC, 0x0F172A);
}
QColor Theme::text()
{
    return pick(0x0F172A, 0xE2E8F0);
}
QColor Theme::secondaryText()
{
    return pick(0x334155, 0xCBD5E1);
}
QColor Theme::mutedText()
{
    return pick(0x64748B, 0x94A3B8);
}
QColor Theme::separator()
{
    return pick(0xE2E8F0, 0x334155);
}
QColor Theme::inputBorder()
{
    return pick(0xCBD5E1, 0x475569);
}
QColor Theme::selection()
{
    return pick(0xEFF6FF, 0x1E3A5F);
}
QColor Theme::errorText()
{
    return pick(0x991B1B, 0xFCA5A5);
}
QColor Theme::errorBackground()
{
    return pick(0xFEE2E2, 0x450A0A);
}
QColor Theme::errorBorder()
{
    return pick(0xFCA5A5, 0x7F1D1D);
}
QColor Theme::warningText()
{
    return pick(0xB45309, 0xFBBF24);
}
QColor Theme::warningBackground()
{
    return pick(0xFEF3C7, 0x422006);
}
QColor Theme::successText()
{
    return pick(0x15803D, 0x4ADE80);
}
QColor Theme::successBackground()
{
    return pick(0xDCFCE7, 0x052E16);
}
QColor Theme::noteBackground()
{
    return pick(0xFEF9C3, 0x3F3A12);
}
QColor Theme::noteBorder()
{
    return pick(0xFDE047, 0x854D0E);
}

QString Theme::css(const QColor &color)
{
    return color.name(QColor::HexRgb);
}

QString Theme::panelStyle(const QString &objectName)
{
    return QStringLiteral(
               "QWidget#%1 { background: %2; }"
               "QLabel[role=\"section\"] { color: %3; font-weight: 600; padding-top: 6px; }"
               "QLabel[role=\"muted\"] { color: %3; }"
               "QLabel[role=\"value\"] { color: %4; }"
               "QToolButton[role=\"chip\"] { border: 1px solid %5; border-radius: 11px; "
               "padding: 2px 10px; background: %2; color: %6; }"
               "QToolButton[role=\"chip\"]:checked { background: %7; border-color: %8; color: %8; "
               "font-weight: 600; }"
               "QToolButton[role=\"chip\"]:focus { border-color: %8; }"
               "QPushButton[role=\"primary\"] { background: %8; color: white; border: none; "
               "border-radius: 6px; padding: 6px 14px; font-weight: 600; }"
               "QPushButton[role=\"primary\"]:disabled { background: %5; }"
               "QHeaderView::section { background: %9; color: %3; border: none; "
               "border-bottom: 1px solid %5; padding: 4px 6px; font-weight: 600; }")
        .arg(objectName, css(surface()), css(mutedText()), css(text()), css(separator()),
             css(secondaryText()), css(selection()), css(accent()), css(windowBackground()));
}

} // namespace relaydesk::ui
