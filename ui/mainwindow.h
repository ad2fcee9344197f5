#pragma once

// Whoever creates the window installs the translations first (its strings are set once).

#include <QMainWindow>
#include <QPointer>
#include <QSet>

class QAction;
class QDockWidget;
class QLabel;
class QListView;
class QMenu;
class QSystemTrayIcon;
class QTimer;
class QToolBar;

namespace relaydesk {
class Engine;
}

namespace relaydesk::ui {

class ContextPanel;
class ConversationListModel;
class ConversationView;
class EventInspector;
class HealthPanel;
class InboxPanel;
class MetricsPanel;
class QueuePanel;

// The operator console: the inbox dock, the selected conversation in the centre, dock panels
// for its context, the queue, channel and AI health, metrics and the event inspector, engine
// state in the status bar and an unread count in the system tray. Dock panels are added
// through addDock() so each one gets an object name (window state restores by name) and an
// entry in the View menu. Everything is reachable from the keyboard (F1 lists the keys).
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    static constexpr int kStateVersion = 2;
    // Messages checked for urgency per read after a burst.
    static constexpr int kUrgentBatch = 200;

    // The engine must outlive the window.
    explicit MainWindow(Engine *engine, QWidget *parent = nullptr);
    ~MainWindow() override;

    QDockWidget *addDock(const QString &objectName, const QString &title, QWidget *content,
                         Qt::DockWidgetArea area = Qt::LeftDockWidgetArea);

    // Geometry and dock layout in QSettings (group "MainWindow").
    void saveWindowState() const;
    bool restoreWindowState();

    // The operator's name: the actor of approvals, the author of replies, "assigned to me".
    QString operatorName() const { return m_operatorName; }
    void setOperatorName(const QString &name);
    // Shown in the status bar while the HTTP API serves; empty: not serving.
    void setApiAddress(const QString &address);

    ConversationListModel *conversationModel() const { return m_model; }
    InboxPanel *inboxPanel() const { return m_inbox; }
    QListView *conversationList() const;
    ConversationView *conversationView() const { return m_view; }
    ContextPanel *contextPanel() const { return m_context; }
    QueuePanel *queuePanel() const { return m_queue; }
    HealthPanel *healthPanel() const { return m_health; }
    EventInspector *eventInspector() const { return m_inspector; }
    MetricsPanel *metricsPanel() const { return m_metrics; }
    QDockWidget *inboxDock() const { return m_inboxDock; }
    QDockWidget *contextDock() const { return m_contextDock; }
    QDockWidget *queueDock() const { return m_queueDock; }
    QDockWidget *healthDock() const { return m_healthDock; }
    QDockWidget *inspectorDock() const { return m_inspectorDock; }
    QDockWidget *metricsDock() const { return m_metricsDock; }
    QMenu *viewMenu() const { return m_viewMenu; }
    QSystemTrayIcon *trayIcon() const { return m_tray; }
    QString selectedConversationId() const;
    // Selects the row of `conversationId`; false when it is not in the inbox.
    bool selectConversation(const QString &conversationId);
    // Customer messages waiting for an answer across the loaded inbox (tray and title).
    int unreadCount() const;

public Q_SLOTS:
    void showStatus(const QString &message);
    void refreshStats();
    void showAbout();
    void showShortcuts();
    void showSettings();
    void selectNextDraft();
    void resetLayout();
    // Opens a conversation even when the inbox's filters hide it.
    void openConversation(const QString &conversationId);

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void createActions();
    void createInbox();
    void createDocks();
    void createStatusBar();
    void createTray();
    void updateUnread();
    void notifyIfUrgent(const QString &conversationId, const QString &messageId);
    void checkUrgentMessages();
    QAction *makeAction(const QString &objectName, const QString &text,
                        const QList<QKeySequence> &keys, const QString &tip = {});
    void onConversationChanged(const QString &conversationId);

    Engine *m_engine;
    QString m_operatorName;
    QByteArray m_defaultState;
    ConversationListModel *m_model = nullptr;
    InboxPanel *m_inbox = nullptr;
    ConversationView *m_view = nullptr;
    ContextPanel *m_context = nullptr;
    QueuePanel *m_queue = nullptr;
    HealthPanel *m_health = nullptr;
    EventInspector *m_inspector = nullptr;
    MetricsPanel *m_metrics = nullptr;
    QDockWidget *m_inboxDock = nullptr;
    QDockWidget *m_contextDock = nullptr;
    QDockWidget *m_queueDock = nullptr;
    QDockWidget *m_healthDock = nullptr;
    QDockWidget *m_inspectorDock = nullptr;
    QDockWidget *m_metricsDock = nullptr;
    QToolBar *m_toolBar = nullptr;
    QMenu *m_viewMenu = nullptr;
    QMenu *m_goMenu = nullptr;
    QMenu *m_conversationMenu = nullptr;
    QLabel *m_engineLabel = nullptr;
    QLabel *m_apiLabel = nullptr;
    QLabel *m_databaseLabel = nullptr;
    QLabel *m_statsLabel = nullptr;
    QTimer *m_statsTimer = nullptr;
    QTimer *m_statsKick = nullptr;
    QTimer *m_unreadKick = nullptr;
    QTimer *m_urgentKick = nullptr;
    QSet<QString> m_urgentCandidates;
    QSystemTrayIcon *m_tray = nullptr;
    QPointer<QWidget> m_openDialog;
    int m_unread = -1;
};

} // namespace relaydesk::ui
