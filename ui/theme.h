#pragma once

#include "core/enums.h"

#include <QColor>
#include <QString>

namespace relaydesk::ui {

// The console's colours in one place, so the inbox, the bubbles and the badges agree.
class Theme
{
public:
    static QColor platformColor(Platform platform);
    static QColor priorityColor(Priority priority);
    static QColor statusColor(ConversationStatus status);
    // Message state pills: green when it went out, red when it did not, amber while waiting.
    static QColor stateColor(const QString &state);
    static QColor bubbleBackground(AuthorKind kind);
    static QColor bubbleBorder(AuthorKind kind);
    static QColor draftBackground();
    static QColor draftBorder();
    static QColor accent();
    static QColor mutedText();
    static QColor errorText();
    static QColor errorBackground();
    static QColor windowBackground();
    static QColor separator();
    // "#rrggbb", for style sheets.
    static QString css(const QColor &color);
};

} // namespace relaydesk::ui
