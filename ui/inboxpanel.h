#pragma once

#include "storage/conversationrepository.h"

#include <QPersistentModelIndex>
#include <QSet>
#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QListView;
class QPushButton;
class QStackedWidget;
class QTimer;
class QToolButton;

namespace relaydesk::ui {

class ConversationListModel;

// The inbox dock's content: full-text search, filters (status, platform, priority, needs
// review, flagged, assigned to me, label) and the sort order above the conversation list.
// Filters and sort are remembered in QSettings (group "Inbox"); the search is not. Live
// updates keep the operator's selection and, while they are scrolled down, the rows they are
// looking at.
class InboxPanel : public QWidget
{
    Q_OBJECT

public:
    static constexpr int kSearchDelayMs = 250;

    explicit InboxPanel(ConversationListModel *model, QWidget *parent = nullptr);

    QListView *list() const { return m_list; }
    QLineEdit *searchBox() const { return m_search; }
    QComboBox *statusFilter() const { return m_status; }
    QComboBox *platformFilter() const { return m_platform; }
    QComboBox *priorityFilter() const { return m_priority; }
    QComboBox *labelFilter() const { return m_label; }
    QComboBox *sortOrder() const { return m_sort; }
    QToolButton *needsReviewFilter() const { return m_needsReview; }
    QToolButton *flaggedFilter() const { return m_flagged; }
    QToolButton *mineFilter() const { return m_mine; }

    // "Assigned to me" means assigned to this name.
    void setOperatorName(const QString &name);
    // The filter the controls describe (without cursor and limit).
    ConversationFilter currentFilter() const;
    bool hasActiveFilters() const;

    QString currentId() const;
    bool select(const QString &conversationId);
    // J/K: the next (1) or previous (-1) conversation; false at either end.
    bool selectRelative(int step);
    void focusSearch();
    void focusList();

public Q_SLOTS:
    void clearFilters();

Q_SIGNALS:
    void currentConversationChanged(const QString &conversationId);

private:
    void buildControls();
    void restoreSettings();
    void saveSettings() const;
    void applyFilter();
    void updatePage();
    void updateFooter();
    void updateLabelChoices();
    void rememberAnchor();
    void restoreAnchor();

    ConversationListModel *m_model;
    QString m_operatorName;
    bool m_restoring = false;
    QSet<QString> m_seenLabels;
    QString m_selectedBeforeReset;

    QLineEdit *m_search = nullptr;
    QComboBox *m_status = nullptr;
    QComboBox *m_platform = nullptr;
    QComboBox *m_priority = nullptr;
    QComboBox *m_label = nullptr;
    QComboBox *m_sort = nullptr;
    QToolButton *m_needsReview = nullptr;
    QToolButton *m_flagged = nullptr;
    QToolButton *m_mine = nullptr;
    QLabel *m_footer = nullptr;
    QStackedWidget *m_pages = nullptr;
    QLabel *m_emptyText = nullptr;
    QPushButton *m_clearFilters = nullptr;
    QListView *m_list = nullptr;
    QTimer *m_searchDelay = nullptr;
    QTimer *m_clock = nullptr;

    // The first visible row before a live update, so the view can stay on it.
    QPersistentModelIndex m_anchor;
    int m_anchorRow = -1;
    int m_anchorScroll = 0;
};

} // namespace relaydesk::ui
