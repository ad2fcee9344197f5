#include "ui/composeredit.h"

#include <QAbstractItemView>
#include <QCompleter>
#include <QKeyEvent>

namespace relaydesk::ui {

ComposerEdit::ComposerEdit(QWidget *parent)
    : QPlainTextEdit(parent)
{}

void ComposerEdit::keyPressEvent(QKeyEvent *event)
{
    if (m_completer && m_completer->popup()->isVisible()) {
        switch (event->key()) {
        case Qt::Key_Enter:
        case Qt::Key_Return:
        case Qt::Key_Escape:
        case Qt::Key_Tab:
        case Qt::Key_Backtab:
            event->ignore();
            return;
        default:
            break;
        }
    }
    QPlainTextEdit::keyPressEvent(event);
}

} // namespace relaydesk::ui
