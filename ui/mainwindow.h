#pragma once

// Whoever creates the window installs the translations first (its strings are set once).

#include <QMainWindow>

class QAction;
class QDockWidget;
class QLabel;
class QListView;
class QMenu;
class QTimer;
class QToolBar;

namespace relaydesk {
class Engine;
}

namespace relaydesk::ui {

class ConversationListModel;
class ConversationView;
class InboxPanel;

// The operator console: the inbox dock, the selected conversation in the centre, engine
// counters in the status bar. Dock panels are added through addDock() so each one gets an
// object name (window state restores by name) and an entry in the View menu.
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    static constexpr int kStateVersion = 1;

    // The engine must outlive the window.
    explicit MainWindow(Engine *engine, QWidget *parent = nullptr);
    ~MainWindow() override;

    QDockWidget *addDock(const QString &objectName, const QString &title, QWidget *content,
                         Qt::DockWidgetArea area = Qt::LeftDockWidgetArea);

    // Geometry and dock layout in QSettings (group "MainWindow").
    void saveWindowState() const;
    bool restoreWindowState();

    ConversationListModel *conversationModel() const { return m_model; }
    InboxPanel *inboxPanel() const { return m_inbox; }
    QListView *conversationList() const;
    ConversationView *conversationView() const { return m_view; }
    QDockWidget *inboxDock() const { return m_inboxDock; }
    QMenu *viewMenu() const { return m_viewMenu; }
    QString selectedConversationId() const;
    // Selects the row of `conversationId`; false when it is not in the inbox.
    bool selectConversation(const QString &conversationId);

public Q_SLOTS:
    void showStatus(const QString &message);
    void refreshStats();
    void showAbout();
    void selectNextDraft();

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void createActions();
    void createInbox();

    Engine *m_engine;
    ConversationListModel *m_model = nullptr;
    InboxPanel *m_inbox = nullptr;
    ConversationView *m_view = nullptr;
    QDockWidget *m_inboxDock = nullptr;
    QToolBar *m_toolBar = nullptr;
    QMenu *m_viewMenu = nullptr;
    QLabel *m_statsLabel = nullptr;
    QTimer *m_statsTimer = nullptr;
    QTimer *m_statsKick = nullptr;
};

} // namespace relaydesk::ui
