#pragma once

#include "core/note.h"

#include <QFrame>

class QLabel;

namespace relaydesk::ui {

// A private note among a conversation's messages: amber, full width and labelled as a note so
// it can never be read as something the customer saw.
class NoteBubble : public QFrame
{
    Q_OBJECT

public:
    explicit NoteBubble(const Note &note, QWidget *parent = nullptr);

    QString noteId() const { return m_note.id; }
    QString text() const;
    QString headerText() const;

private:
    Note m_note;
    QLabel *m_header = nullptr;
    QLabel *m_text = nullptr;
};

} // namespace relaydesk::ui
