#pragma once

#include <QDialog>

class QAction;
class QTableWidget;

namespace relaydesk::ui {

// The keyboard cheat-sheet (F1): every action of the window that has a shortcut, grouped by
// menu, read from the actions themselves so the sheet never disagrees with the keys.
class ShortcutsDialog : public QDialog
{
    Q_OBJECT

public:
    struct Entry {
        QString group;
        QString action;
        QString keys;
    };

    explicit ShortcutsDialog(const QList<Entry> &entries, QWidget *parent = nullptr);

    QTableWidget *table() const { return m_table; }
    // The entries for `actions` under `group`, skipping actions without a shortcut.
    static QList<Entry> entriesFor(const QString &group, const QList<QAction *> &actions);

private:
    QTableWidget *m_table = nullptr;
};

} // namespace relaydesk::ui
