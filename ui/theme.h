#pragma once

#include "core/enums.h"

#include <QColor>
#include <QPalette>
#include <QString>

namespace relaydesk::ui {

// The console's colours in one place, so the inbox, the bubbles and the badges agree. Two
// variants, light and dark; the console picks the one matching the system palette when it
// starts (applyToApplication), and widgets read the colours when they build their styles.
class Theme
{
public:
    static bool isDark();
    static void setDark(bool dark);
    // Whether the system's palette is a dark one (dark window background).
    static bool systemPrefersDark();
    // Chooses the variant and installs a matching application palette, so Qt's own widgets
    // agree with ours. Without an argument: the operator's choice in the settings
    // ("Appearance/theme": light, dark, or empty to follow the system).
    static void applyToApplication();
    static void applyToApplication(bool dark);
    static QPalette palette();

    static QColor platformColor(Platform platform);
    static QColor priorityColor(Priority priority);
    static QColor statusColor(ConversationStatus status);
    // Message state pills: green when it went out, red when it did not, amber while waiting.
    static QColor stateColor(const QString &state);
    static QColor bubbleBackground(AuthorKind kind);
    static QColor bubbleBorder(AuthorKind kind);
    static QColor authorColor(AuthorKind kind);
    static QColor draftBackground();
    static QColor draftBorder();
    static QColor draftTitle();
    static QColor accent();
    static QColor accentSoft();
    static QColor onAccent();
    static QColor surface();
    static QColor windowBackground();
    static QColor text();
    static QColor secondaryText();
    static QColor mutedText();
    static QColor separator();
    static QColor inputBorder();
    static QColor selection();
    static QColor errorText();
    static QColor errorBackground();
    static QColor errorBorder();
    static QColor warningText();
    static QColor warningBackground();
    static QColor successText();
    static QColor successBackground();
    static QColor noteBackground();
    static QColor noteBorder();
    // "#rrggbb", for style sheets.
    static QString css(const QColor &color);
    // Style sheet rules shared by the docks: panel background, section titles, chips, tables.
    static QString panelStyle(const QString &objectName);
};

} // namespace relaydesk::ui
