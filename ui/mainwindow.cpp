#include "ui/mainwindow.h"

#include "engine/engine.h"
#include "storage/messagerepository.h"
#include "ui/composer.h"
#include "ui/contextpanel.h"
#include "ui/conversationlistmodel.h"
#include "ui/conversationview.h"
#include "ui/displaynames.h"
#include "ui/draftcard.h"
#include "ui/eventinspector.h"
#include "ui/healthpanel.h"
#include "ui/inboxpanel.h"
#include "ui/metricspanel.h"
#include "ui/queuepanel.h"
#include "ui/settingsdialog.h"
#include "ui/shortcutsdialog.h"
#include "ui/theme.h"
#include "ui/whenready.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDockWidget>
#include <QLabel>
#include <QListView>
#include <QMenuBar>
#include <QMessageBox>
#include <QPainter>
#include <QSettings>
#include <QShortcut>
#include <QStatusBar>
#include <QStyle>
#include <QSystemTrayIcon>
#include <QTimer>
#include <QToolBar>

namespace relaydesk::ui {

namespace {

const QString kSettingsGroup = QStringLiteral("MainWindow");
constexpr int kStatusTimeoutMs = 8000;

QString defaultOperatorName()
{
    QString name = qEnvironmentVariable("USER");
    if (name.isEmpty())
        name = qEnvironmentVariable("USERNAME");
    return name.isEmpty() ? QStringLiteral("operator") : name;
}

// The application icon, drawn so it needs no image files: a speech bubble in the accent colour,
// with the unread count on a badge when there is one.
QIcon appIcon(int unread)
{
    QIcon icon;
    for (int size : {16, 22, 32, 48, 64}) {
        QPixmap pixmap(size, size);
        pixmap.fill(Qt::transparent);
        QPainter painter(&pixmap);
        painter.setRenderHint(QPainter::Antialiasing);
        painter.setPen(Qt::NoPen);
        painter.setBrush(Theme::accent());
        const QRectF body(size * 0.06, size * 0.1, size * 0.88, size * 0.66);
        painter.drawRoundedRect(body, size * 0.18, size * 0.18);
        QPolygonF tail;
        tail << QPointF(size * 0.26, body.bottom() - 1) << QPointF(size * 0.22, size * 0.94)
             << QPointF(size * 0.48, body.bottom() - 1);
        painter.drawPolygon(tail);
        painter.setBrush(Qt::white);
        const double dot = size * 0.11;
        for (int i = 0; i < 3; ++i)
            painter.drawEllipse(QPointF(size * (0.3 + 0.2 * i), body.center().y()), dot / 2,
                                dot / 2);
        if (unread > 0) {
            const QRectF badge(size * 0.5, 0, size * 0.5, size * 0.5);
            painter.setBrush(Theme::priorityColor(Priority::Urgent));
            painter.drawEllipse(badge);
            painter.setPen(Qt::white);
            QFont font = painter.font();
            font.setPixelSize(std::max(6, int(size * 0.3)));
            font.setBold(true);
            painter.setFont(font);
            painter.drawText(badge, Qt::AlignCenter,
                             unread > 99 ? QStringLiteral("99") : QString::number(unread));
        }
        painter.end();
        icon.addPixmap(pixmap);
    }
    return icon;
}

} // namespace

MainWindow::MainWindow(Engine *engine, QWidget *parent)
    : QMainWindow(parent)
    , m_engine(engine)
    , m_operatorName(
          QSettings().value(SettingsDialog::operatorKey(), defaultOperatorName()).toString())
{
    // Colours first: every panel reads them while it builds.
    Theme::applyToApplication();
    setObjectName(QStringLiteral("relaydeskMainWindow"));
    setWindowTitle(tr("Relaydesk"));
    setWindowIcon(appIcon(0));
    setDockOptions(QMainWindow::AnimatedDocks | QMainWindow::AllowTabbedDocks);
    setStyleSheet(
        QStringLiteral("QDockWidget { color: %4; }"
                       "QDockWidget::title { padding: 6px 10px; background: %1; "
                       "border-bottom: 1px solid %2; }"
                       "QToolBar#mainToolBar { border-bottom: 1px solid %2; spacing: 6px; "
                       "padding: 2px 6px; }"
                       "QStatusBar QLabel { color: %3; padding: 0 6px; }")
            .arg(Theme::css(Theme::windowBackground()), Theme::css(Theme::separator()),
                 Theme::css(Theme::mutedText()), Theme::css(Theme::text())));
    resize(1360, 840);

    m_view = new ConversationView(engine, this);
    m_view->setOperatorName(m_operatorName);
    setCentralWidget(m_view);
    connect(m_view, &ConversationView::statusMessage, this, &MainWindow::showStatus);

    createActions();
    createInbox();
    createDocks();
    createStatusBar();
    createTray();
    // The layout before any saved state is applied is what "Reset layout" returns to.
    m_defaultState = saveState(kStateVersion);
    restoreWindowState();
}

MainWindow::~MainWindow()
{
    // Quitting on a signal destroys the window without a close event; keep its layout anyway.
    if (isVisible())
        saveWindowState();
}

QAction *MainWindow::makeAction(const QString &objectName, const QString &text,
                                const QList<QKeySequence> &keys, const QString &tip)
{
    auto *action = new QAction(text, this);
    action->setObjectName(objectName);
    action->setShortcuts(keys);
    // Window-wide, so the keys work from the inbox list and the conversation alike. Text
    // fields keep their letters: they claim printable keys before shortcuts see them.
    action->setShortcutContext(Qt::WindowShortcut);
    if (!tip.isEmpty()) {
        action->setToolTip(tip);
        action->setStatusTip(tip);
    }
    addAction(action);
    return action;
}

void MainWindow::createActions()
{
    QAction *quit = makeAction(QStringLiteral("quitAction"), tr("&Quit"), {QKeySequence::Quit});
    quit->setMenuRole(QAction::QuitRole);
    connect(quit, &QAction::triggered, this, &QWidget::close);
    QAction *settings = makeAction(QStringLiteral("settingsAction"), tr("&Settings…"),
                                   {QKeySequence(Qt::CTRL | Qt::Key_Comma)},
                                   tr("Operator name, canned responses, notifications"));
    settings->setMenuRole(QAction::PreferencesRole);
    connect(settings, &QAction::triggered, this, &MainWindow::showSettings);

    QAction *refresh =
        makeAction(QStringLiteral("refreshAction"), tr("&Refresh"), {QKeySequence::Refresh},
                   tr("Reload the inbox and the open conversation"));
    refresh->setIcon(style()->standardIcon(QStyle::SP_BrowserReload));
    connect(refresh, &QAction::triggered, this, [this] {
        m_model->reload();
        m_view->reload();
        m_queue->reload();
    });
    QAction *next = makeAction(QStringLiteral("nextConversationAction"), tr("Next conversation"),
                               {QKeySequence(Qt::Key_J)});
    connect(next, &QAction::triggered, this, [this] { m_inbox->selectRelative(1); });
    QAction *previous = makeAction(QStringLiteral("previousConversationAction"),
                                   tr("Previous conversation"), {QKeySequence(Qt::Key_K)});
    connect(previous, &QAction::triggered, this, [this] { m_inbox->selectRelative(-1); });
    QAction *nextDraft = makeAction(
        QStringLiteral("nextDraftAction"), tr("&Next draft"), {QKeySequence(Qt::CTRL | Qt::Key_J)},
        tr("Open the next conversation with a draft waiting for review"));
    nextDraft->setIcon(style()->standardIcon(QStyle::SP_ArrowForward));
    connect(nextDraft, &QAction::triggered, this, &MainWindow::selectNextDraft);
    QAction *search = makeAction(QStringLiteral("searchAction"), tr("&Search messages"),
                                 {QKeySequence(Qt::CTRL | Qt::Key_F)});
    connect(search, &QAction::triggered, this, [this] {
        m_inboxDock->show();
        m_inboxDock->raise();
        m_inbox->focusSearch();
    });
    QAction *inbox = makeAction(QStringLiteral("focusInboxAction"), tr("Go to the &inbox"),
                                {QKeySequence(Qt::Key_Escape)});
    connect(inbox, &QAction::triggered, this, [this] {
        m_inboxDock->show();
        m_inbox->focusList();
    });

    QAction *reply = makeAction(QStringLiteral("replyAction"), tr("&Reply"),
                                {QKeySequence(Qt::Key_R)}, tr("Write a reply in the composer"));
    connect(reply, &QAction::triggered, m_view, &ConversationView::focusComposer);
    QAction *note =
        makeAction(QStringLiteral("noteAction"), tr("Private &note"), {QKeySequence(Qt::Key_N)},
                   tr("Write a private note for the team; it is never sent"));
    connect(note, &QAction::triggered, m_view, &ConversationView::focusNote);
    QAction *edit =
        makeAction(QStringLiteral("editDraftAction"), tr("&Edit draft"), {QKeySequence(Qt::Key_E)});
    connect(edit, &QAction::triggered, this, [this] {
        if (!m_view->focusDraft())
            showStatus(tr("No draft is waiting in this conversation."));
    });
    QAction *approve = makeAction(
        QStringLiteral("approveAction"), tr("&Approve draft or send reply"),
        {QKeySequence(Qt::CTRL | Qt::Key_Return), QKeySequence(Qt::CTRL | Qt::Key_Enter)});
    connect(approve, &QAction::triggered, this, [this] {
        if (!m_view->activateDefault())
            showStatus(tr("Nothing to approve or send."));
    });
    QAction *regenerate = makeAction(QStringLiteral("regenerateAction"), tr("Re&generate draft"),
                                     {QKeySequence(Qt::Key_G)},
                                     tr("Ask the AI for a new draft, with an instruction"));
    connect(regenerate, &QAction::triggered, this, [this] {
        if (DraftCard *card = m_view->newestDraftCard())
            card->askInstruction();
        else
            showStatus(tr("No draft is waiting in this conversation."));
    });
    QAction *resolve = makeAction(QStringLiteral("resolveAction"), tr("Re&solve conversation"),
                                  {QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R)});
    connect(resolve, &QAction::triggered, this,
            [this] { m_context->setStatus(ConversationStatus::Resolved); });
    QList<QAction *> priorities;
    const QList<Priority> levels{Priority::Low, Priority::Normal, Priority::High, Priority::Urgent};
    for (int i = 0; i < levels.size(); ++i) {
        const Priority priority = levels.at(i);
        QAction *action =
            makeAction(QStringLiteral("priority%1Action").arg(i + 1),
                       tr("Set priority: %1").arg(DisplayNames::priorityShort(priority)),
                       {QKeySequence(Qt::Key_1 + i)});
        connect(action, &QAction::triggered, this,
                [this, priority] { m_context->setPriority(priority); });
        priorities << action;
    }
    QList<QAction *> conversationActions{reply, note, edit, approve, regenerate, resolve};
    for (QAction *action : conversationActions + priorities)
        action->setEnabled(false);

    QAction *shortcuts = makeAction(QStringLiteral("shortcutsAction"), tr("&Keyboard shortcuts"),
                                    {QKeySequence(Qt::Key_F1)});
    connect(shortcuts, &QAction::triggered, this, &MainWindow::showShortcuts);
    QAction *about = makeAction(QStringLiteral("aboutAction"), tr("&About Relaydesk"), {});
    about->setMenuRole(QAction::AboutRole);
    connect(about, &QAction::triggered, this, &MainWindow::showAbout);
    QAction *reset = makeAction(QStringLiteral("resetLayoutAction"), tr("&Reset layout"), {});
    connect(reset, &QAction::triggered, this, &MainWindow::resetLayout);

    QMenu *fileMenu = menuBar()->addMenu(tr("&File"));
    fileMenu->setObjectName(QStringLiteral("fileMenu"));
    fileMenu->addAction(settings);
    fileMenu->addSeparator();
    fileMenu->addAction(quit);

    m_goMenu = menuBar()->addMenu(tr("&Go"));
    m_goMenu->setObjectName(QStringLiteral("goMenu"));
    m_goMenu->addActions({refresh, next, previous, nextDraft, search, inbox});

    m_conversationMenu = menuBar()->addMenu(tr("&Conversation"));
    m_conversationMenu->setObjectName(QStringLiteral("conversationMenu"));
    m_conversationMenu->addActions(conversationActions);
    m_conversationMenu->addSeparator();
    m_conversationMenu->addActions(priorities);

    m_viewMenu = menuBar()->addMenu(tr("&View"));
    m_viewMenu->setObjectName(QStringLiteral("viewMenu"));

    QMenu *helpMenu = menuBar()->addMenu(tr("&Help"));
    helpMenu->setObjectName(QStringLiteral("helpMenu"));
    helpMenu->addAction(shortcuts);
    helpMenu->addSeparator();
    helpMenu->addAction(about);

    m_toolBar = addToolBar(tr("Main toolbar"));
    m_toolBar->setObjectName(QStringLiteral("mainToolBar"));
    m_toolBar->setMovable(false);
    m_toolBar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_toolBar->addAction(refresh);
    m_toolBar->addAction(nextDraft);

    m_viewMenu->addAction(reset);
    m_viewMenu->addAction(m_toolBar->toggleViewAction());
    m_viewMenu->addSeparator();
}

void MainWindow::createInbox()
{
    m_model = new ConversationListModel(m_engine, this);
    connect(m_model, &ConversationListModel::errorOccurred, this, &MainWindow::showStatus);
    m_inbox = new InboxPanel(m_model, this);
    m_inbox->setOperatorName(m_operatorName);
    connect(m_inbox, &InboxPanel::currentConversationChanged, this,
            &MainWindow::onConversationChanged);
    m_inboxDock =
        addDock(QStringLiteral("inboxDock"), tr("Inbox"), m_inbox, Qt::LeftDockWidgetArea);
    m_inboxDock->setMinimumWidth(320);
    resizeDocks({m_inboxDock}, {400}, Qt::Horizontal);

    // Enter on the list goes into the conversation: to its draft if one waits, else to the
    // composer.
    auto *open = new QShortcut(QKeySequence(Qt::Key_Return), m_inbox->list());
    open->setContext(Qt::WidgetShortcut);
    auto *openEnter = new QShortcut(QKeySequence(Qt::Key_Enter), m_inbox->list());
    openEnter->setContext(Qt::WidgetShortcut);
    for (QShortcut *shortcut : {open, openEnter}) {
        connect(shortcut, &QShortcut::activated, this, [this] {
            if (!m_view->focusDraft())
                m_view->focusComposer();
        });
    }
    m_unreadKick = new QTimer(this);
    m_unreadKick->setSingleShot(true);
    m_unreadKick->setInterval(300);
    connect(m_unreadKick, &QTimer::timeout, this, &MainWindow::updateUnread);
    const auto kick = [this] {
        if (!m_unreadKick->isActive())
            m_unreadKick->start();
    };
    connect(m_model, &QAbstractItemModel::dataChanged, this, kick);
    connect(m_model, &QAbstractItemModel::rowsInserted, this, kick);
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, kick);
    connect(m_model, &QAbstractItemModel::modelReset, this, kick);
}

void MainWindow::createDocks()
{
    m_context = new ContextPanel(m_engine, this);
    m_context->setOperatorName(m_operatorName);
    connect(m_context, &ContextPanel::statusMessage, this, &MainWindow::showStatus);
    m_contextDock =
        addDock(QStringLiteral("contextDock"), tr("Context"), m_context, Qt::RightDockWidgetArea);

    m_queue = new QueuePanel(m_engine, this);
    m_queue->setOperatorName(m_operatorName);
    connect(m_queue, &QueuePanel::statusMessage, this, &MainWindow::showStatus);
    connect(m_queue, &QueuePanel::openConversation, this, &MainWindow::openConversation);
    m_queueDock =
        addDock(QStringLiteral("queueDock"), tr("Queue"), m_queue, Qt::RightDockWidgetArea);

    m_health = new HealthPanel(m_engine, this);
    m_healthDock =
        addDock(QStringLiteral("healthDock"), tr("Health"), m_health, Qt::RightDockWidgetArea);

    m_inspector = new EventInspector(m_engine, this);
    connect(m_inspector, &EventInspector::statusMessage, this, &MainWindow::showStatus);
    connect(m_view, &ConversationView::messageSelected, m_inspector, &EventInspector::setMessage);
    m_inspectorDock = addDock(QStringLiteral("inspectorDock"), tr("Event inspector"), m_inspector,
                              Qt::RightDockWidgetArea);

    m_metrics = new MetricsPanel(m_engine, this);
    connect(m_metrics, &MetricsPanel::statusMessage, this, &MainWindow::showStatus);
    m_metricsDock =
        addDock(QStringLiteral("metricsDock"), tr("Metrics"), m_metrics, Qt::RightDockWidgetArea);

    // Context on top; the operational panels share the space below it as tabs.
    splitDockWidget(m_contextDock, m_queueDock, Qt::Vertical);
    tabifyDockWidget(m_queueDock, m_healthDock);
    tabifyDockWidget(m_healthDock, m_inspectorDock);
    tabifyDockWidget(m_inspectorDock, m_metricsDock);
    m_queueDock->raise();
    resizeDocks({m_contextDock}, {380}, Qt::Horizontal);
    resizeDocks({m_contextDock, m_queueDock}, {360, 430}, Qt::Vertical);
}

void MainWindow::createStatusBar()
{
    m_engineLabel = new QLabel(this);
    m_engineLabel->setObjectName(QStringLiteral("engineStateLabel"));
    m_apiLabel = new QLabel(this);
    m_apiLabel->setObjectName(QStringLiteral("apiAddressLabel"));
    m_databaseLabel = new QLabel(this);
    m_databaseLabel->setObjectName(QStringLiteral("databaseLabel"));
    m_databaseLabel->setText(tr("Database: %1").arg(m_engine->databaseConfig().displayName()));
    m_databaseLabel->setToolTip(m_engine->databaseConfig().displayName());
    m_statsLabel = new QLabel(this);
    m_statsLabel->setObjectName(QStringLiteral("statsLabel"));
    statusBar()->addPermanentWidget(m_statsLabel);
    statusBar()->addPermanentWidget(m_databaseLabel);
    statusBar()->addPermanentWidget(m_apiLabel);
    statusBar()->addPermanentWidget(m_engineLabel);
    setApiAddress(QString());

    m_statsTimer = new QTimer(this);
    m_statsTimer->setInterval(1000);
    connect(m_statsTimer, &QTimer::timeout, this, &MainWindow::refreshStats);
    m_statsTimer->start();
    // Between the ticks, engine activity refreshes the counters too (coalesced like the inbox).
    m_statsKick = new QTimer(this);
    m_statsKick->setSingleShot(true);
    m_statsKick->setInterval(150);
    connect(m_statsKick, &QTimer::timeout, this, &MainWindow::refreshStats);
    const auto kick = [this] {
        if (!m_statsKick->isActive())
            m_statsKick->start();
    };
    connect(m_engine, &Engine::queueChanged, this, kick);
    connect(m_engine, &Engine::messageAdded, this, kick);
    connect(m_engine, &Engine::messageAdded, this, &MainWindow::notifyIfUrgent);
    m_urgentKick = new QTimer(this);
    m_urgentKick->setSingleShot(true);
    m_urgentKick->setInterval(500);
    connect(m_urgentKick, &QTimer::timeout, this, &MainWindow::checkUrgentMessages);
    refreshStats();
}

void MainWindow::createTray()
{
    // Desktops without a tray (and the offscreen test platform) simply do without.
    if (!QSystemTrayIcon::isSystemTrayAvailable())
        return;
    m_tray = new QSystemTrayIcon(appIcon(0), this);
    m_tray->setObjectName(QStringLiteral("trayIcon"));
    m_tray->setToolTip(tr("Relaydesk"));
    auto *menu = new QMenu(this);
    menu->addAction(tr("Show Relaydesk"), this, [this] {
        showNormal();
        raise();
        activateWindow();
    });
    menu->addAction(findChild<QAction *>(QStringLiteral("quitAction")));
    m_tray->setContextMenu(menu);
    connect(m_tray, &QSystemTrayIcon::activated, this,
            [this](QSystemTrayIcon::ActivationReason reason) {
                if (reason == QSystemTrayIcon::Trigger) {
                    showNormal();
                    raise();
                    activateWindow();
                }
            });
    m_tray->show();
}

QDockWidget *MainWindow::addDock(const QString &objectName, const QString &title, QWidget *content,
                                 Qt::DockWidgetArea area)
{
    auto *dock = new QDockWidget(title, this);
    dock->setObjectName(objectName);
    dock->setWidget(content);
    dock->setFeatures(QDockWidget::DockWidgetClosable | QDockWidget::DockWidgetMovable |
                      QDockWidget::DockWidgetFloatable);
    content->setAccessibleName(title);
    addDockWidget(area, dock);
    QAction *toggle = dock->toggleViewAction();
    toggle->setObjectName(objectName + QStringLiteral("ToggleAction"));
    m_viewMenu->addAction(toggle);
    return dock;
}

QListView *MainWindow::conversationList() const
{
    return m_inbox->list();
}

QString MainWindow::selectedConversationId() const
{
    return m_inbox->currentId();
}

bool MainWindow::selectConversation(const QString &conversationId)
{
    return m_inbox->select(conversationId);
}

void MainWindow::openConversation(const QString &conversationId)
{
    if (conversationId.isEmpty())
        return;
    if (!selectConversation(conversationId))
        onConversationChanged(conversationId);
}

void MainWindow::onConversationChanged(const QString &conversationId)
{
    m_view->showConversation(conversationId);
    m_context->setConversation(conversationId);
    m_inspector->setMessage(QString());
    const bool open = !conversationId.isEmpty();
    for (QAction *action : m_conversationMenu->actions())
        action->setEnabled(open);
}

void MainWindow::setOperatorName(const QString &name)
{
    m_operatorName = name.trimmed().isEmpty() ? defaultOperatorName() : name.trimmed();
    m_view->setOperatorName(m_operatorName);
    m_inbox->setOperatorName(m_operatorName);
    m_context->setOperatorName(m_operatorName);
    m_queue->setOperatorName(m_operatorName);
}

void MainWindow::setApiAddress(const QString &address)
{
    m_apiLabel->setText(address.isEmpty() ? tr("API: off") : tr("API: %1").arg(address));
    m_apiLabel->setToolTip(address.isEmpty()
                               ? tr("The HTTP API is not serving from this console")
                               : tr("Remote bots and integrations reach the engine here"));
}

void MainWindow::selectNextDraft()
{
    const int rows = m_model->rowCount();
    const QModelIndex current = conversationList()->currentIndex();
    const int start = current.isValid() ? current.row() : -1;
    for (int step = 1; step <= rows; ++step) {
        const int row = (start + step) % rows;
        if (m_model->index(row).data(ConversationListModel::PendingDraftsRole).toInt() > 0) {
            selectConversation(m_model->idAt(row));
            return;
        }
    }
    showStatus(tr("No drafts are waiting for review."));
}

void MainWindow::showStatus(const QString &message)
{
    statusBar()->showMessage(message, kStatusTimeoutMs);
}

void MainWindow::refreshStats()
{
    const EngineStats stats = m_engine->stats();
    const bool running = m_engine->isRunning();
    m_engineLabel->setText(running ? tr("Engine running") : tr("Engine stopped"));
    m_engineLabel->setStyleSheet(
        QStringLiteral("color: %1; font-weight: 600;")
            .arg(Theme::css(running ? Theme::successText() : Theme::errorText())));
    m_statsLabel->setText(
        running ? tr("Queue: %1  ·  Ingested: %2  ·  Jobs done: %3  ·  Jobs failed: %4")
                      .arg(stats.readyJobs)
                      .arg(stats.messagesIngested)
                      .arg(stats.jobsSucceeded)
                      .arg(stats.jobsFailed)
                : QString());
    m_statsLabel->setToolTip(tr("Active conversations: %1").arg(stats.activeConversations));
}

int MainWindow::unreadCount() const
{
    int unread = 0;
    for (int row = 0; row < m_model->rowCount(); ++row)
        unread += m_model->index(row).data(ConversationListModel::UnreadRole).toInt();
    return unread;
}

void MainWindow::updateUnread()
{
    const int unread = unreadCount();
    if (unread == m_unread)
        return;
    m_unread = unread;
    setWindowTitle(unread > 0 ? tr("Relaydesk (%1)").arg(unread) : tr("Relaydesk"));
    if (m_tray) {
        m_tray->setIcon(appIcon(unread));
        m_tray->setToolTip(
            unread > 0 ? (unread == 1 ? tr("Relaydesk: 1 customer message waiting")
                                      : tr("Relaydesk: %1 customer messages waiting").arg(unread))
                       : tr("Relaydesk: nobody is waiting"));
    }
}

void MainWindow::notifyIfUrgent(const QString &, const QString &messageId)
{
    if (!m_tray || !QSettings().value(SettingsDialog::notifyKey(), true).toBool())
        return;
    // A burst of messages is read in one go, not one read each.
    m_urgentCandidates.insert(messageId);
    if (!m_urgentKick->isActive())
        m_urgentKick->start();
}

void MainWindow::checkUrgentMessages()
{
    if (m_urgentCandidates.isEmpty() || !m_tray)
        return;
    QStringList ids(m_urgentCandidates.cbegin(), m_urgentCandidates.cend());
    m_urgentCandidates.clear();
    ids = ids.mid(0, kUrgentBatch);
    whenReady(m_engine->read<QList<Message>>([ids](QSqlDatabase &db) -> Outcome<QList<Message>> {
        MessageRepository messages(db);
        QList<Message> urgent;
        for (const QString &id : ids) {
            auto message = messages.get(id);
            if (!message.isOk()) {
                if (message.error().kind == ErrorKind::NotFound)
                    continue;
                return message.error();
            }
            if (message.value().direction == Direction::Inbound &&
                message.value().priority == Priority::Urgent)
                urgent << message.value();
        }
        return urgent;
    }),
              this, [this](const Outcome<QList<Message>> &urgent) {
                  if (!urgent.isOk() || urgent.value().isEmpty() || !m_tray)
                      return;
                  const Message &m = urgent.value().constLast();
                  const QString title = urgent.value().size() == 1
                                            ? tr("Urgent message from %1 (%2)")
                                                  .arg(m.userId, DisplayNames::platform(m.platform))
                                            : tr("%1 urgent messages, the newest from %2")
                                                  .arg(urgent.value().size())
                                                  .arg(m.userId);
                  m_tray->showMessage(title, m.content.left(200), QSystemTrayIcon::Warning);
              });
}

void MainWindow::showAbout()
{
    // Opened, not exec()'d: the console keeps updating behind the box.
    auto *box = new QMessageBox(this);
    box->setObjectName(QStringLiteral("aboutBox"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setIcon(QMessageBox::Information);
    box->setWindowTitle(tr("About Relaydesk"));
    box->setTextFormat(Qt::RichText);
    box->setText(tr("<h3>Relaydesk %1</h3><p>Operator console and message engine for customer "
                    "conversations.</p><p>Built with Qt %2.</p><p>Licensed under the GNU General "
                    "Public License, version 3 or later.</p>")
                     .arg(QStringLiteral(RELAYDESK_VERSION), QString::fromLatin1(qVersion())));
    box->setStandardButtons(QMessageBox::Close);
    box->open();
}

void MainWindow::showShortcuts()
{
    QList<ShortcutsDialog::Entry> entries;
    entries << ShortcutsDialog::entriesFor(tr("Inbox"), m_goMenu->actions());
    entries << ShortcutsDialog::Entry{
        tr("Inbox"), tr("Open the selected conversation"),
        QKeySequence(Qt::Key_Return).toString(QKeySequence::NativeText)};
    entries << ShortcutsDialog::entriesFor(tr("Conversation"), m_conversationMenu->actions());
    QList<QAction *> general;
    for (const QString &name : {QStringLiteral("settingsAction"), QStringLiteral("shortcutsAction"),
                                QStringLiteral("quitAction")})
        general << findChild<QAction *>(name);
    entries << ShortcutsDialog::entriesFor(tr("General"), general);
    auto *dialog = new ShortcutsDialog(entries, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

void MainWindow::showSettings()
{
    if (m_openDialog) {
        m_openDialog->raise();
        m_openDialog->activateWindow();
        return;
    }
    auto *dialog = new SettingsDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->showProviders(m_engine->settings());
    connect(dialog, &SettingsDialog::applied, this, [this] {
        setOperatorName(QSettings().value(SettingsDialog::operatorKey()).toString());
        m_view->composerWidget()->reloadCannedResponses();
        showStatus(tr("Settings saved."));
    });
    m_openDialog = dialog;
    dialog->open();
}

void MainWindow::resetLayout()
{
    for (QDockWidget *dock : findChildren<QDockWidget *>(Qt::FindDirectChildrenOnly))
        dock->setFloating(false);
    restoreState(m_defaultState, kStateVersion);
    for (QDockWidget *dock :
         {m_inboxDock, m_contextDock, m_queueDock, m_healthDock, m_inspectorDock})
        dock->show();
    m_queueDock->raise();
    showStatus(tr("Window layout reset."));
}

void MainWindow::saveWindowState() const
{
    QSettings settings;
    settings.beginGroup(kSettingsGroup);
    settings.setValue(QStringLiteral("geometry"), saveGeometry());
    settings.setValue(QStringLiteral("state"), saveState(kStateVersion));
    settings.endGroup();
    settings.sync();
}

bool MainWindow::restoreWindowState()
{
    QSettings settings;
    settings.beginGroup(kSettingsGroup);
    const QByteArray geometry = settings.value(QStringLiteral("geometry")).toByteArray();
    const QByteArray state = settings.value(QStringLiteral("state")).toByteArray();
    settings.endGroup();
    bool restored = false;
    if (!geometry.isEmpty())
        restored = restoreGeometry(geometry);
    if (!state.isEmpty())
        restored = restoreState(state, kStateVersion) && restored;
    return restored;
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    saveWindowState();
    QMainWindow::closeEvent(event);
}

} // namespace relaydesk::ui
