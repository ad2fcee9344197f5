#include "ui/shortcutsdialog.h"

#include "ui/theme.h"

#include <QAction>
#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QTableWidget>
#include <QVBoxLayout>

namespace relaydesk::ui {

ShortcutsDialog::ShortcutsDialog(const QList<Entry> &entries, QWidget *parent)
    : QDialog(parent)
{
    setObjectName(QStringLiteral("shortcutsDialog"));
    setWindowTitle(tr("Keyboard shortcuts"));
    resize(520, 620);
    auto *column = new QVBoxLayout(this);
    auto *intro = new QLabel(tr("Everything in Relaydesk works without a mouse. Single keys act "
                                "when you are not typing in a text field."),
                             this);
    intro->setWordWrap(true);
    column->addWidget(intro);

    m_table = new QTableWidget(0, 2, this);
    m_table->setObjectName(QStringLiteral("shortcutsTable"));
    m_table->setAccessibleName(tr("Keyboard shortcuts"));
    m_table->setHorizontalHeaderLabels({tr("Action"), tr("Keys")});
    m_table->verticalHeader()->hide();
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setShowGrid(false);
    m_table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_table->horizontalHeader()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    QString group;
    for (const Entry &entry : entries) {
        if (entry.group != group) {
            group = entry.group;
            const int row = m_table->rowCount();
            m_table->insertRow(row);
            auto *title = new QTableWidgetItem(group);
            QFont bold = title->font();
            bold.setBold(true);
            title->setFont(bold);
            title->setForeground(Theme::mutedText());
            m_table->setItem(row, 0, title);
            m_table->setSpan(row, 0, 1, 2);
        }
        const int row = m_table->rowCount();
        m_table->insertRow(row);
        m_table->setItem(row, 0, new QTableWidgetItem(entry.action));
        auto *keys = new QTableWidgetItem(entry.keys);
        QFont mono = keys->font();
        mono.setBold(true);
        keys->setFont(mono);
        keys->setForeground(Theme::accent());
        m_table->setItem(row, 1, keys);
    }
    column->addWidget(m_table, 1);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    column->addWidget(buttons);
}

QList<ShortcutsDialog::Entry> ShortcutsDialog::entriesFor(const QString &group,
                                                          const QList<QAction *> &actions)
{
    QList<Entry> entries;
    for (const QAction *action : actions) {
        if (action->shortcuts().isEmpty())
            continue;
        QStringList keys;
        for (const QKeySequence &sequence : action->shortcuts())
            keys << sequence.toString(QKeySequence::NativeText);
        QString text = action->text();
        text.remove(QLatin1Char('&'));
        entries << Entry{group, text, keys.join(QStringLiteral(", "))};
    }
    return entries;
}

} // namespace relaydesk::ui
