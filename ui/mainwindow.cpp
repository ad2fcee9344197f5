#include "ui/mainwindow.h"

#include "engine/engine.h"
#include "ui/conversationlistmodel.h"
#include "ui/conversationview.h"
#include "ui/inboxpanel.h"
#include "ui/theme.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDockWidget>
#include <QLabel>
#include <QListView>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QStatusBar>
#include <QStyle>
#include <QTimer>
#include <QToolBar>
#include <QVBoxLayout>

namespace relaydesk::ui {

namespace {

const QString kSettingsGroup = QStringLiteral("MainWindow");
constexpr int kStatusTimeoutMs = 8000;

} // namespace

MainWindow::MainWindow(Engine *engine, QWidget *parent)
    : QMainWindow(parent)
    , m_engine(engine)
{
    setObjectName(QStringLiteral("relaydeskMainWindow"));
    setWindowTitle(tr("Relaydesk"));
    setDockOptions(QMainWindow::AnimatedDocks | QMainWindow::AllowTabbedDocks);
    setStyleSheet(
        QStringLiteral("QDockWidget::title { padding: 6px 10px; background: %1; "
                       "border-bottom: 1px solid %2; }"
                       "QToolBar#mainToolBar { border-bottom: 1px solid %2; spacing: 6px; "
                       "padding: 2px 6px; }"
                       "QStatusBar QLabel#statsLabel { color: %3; }")
            .arg(Theme::css(Theme::windowBackground()), Theme::css(Theme::separator()),
                 Theme::css(Theme::mutedText())));
    resize(1200, 760);

    m_view = new ConversationView(engine, this);
    setCentralWidget(m_view);
    connect(m_view, &ConversationView::statusMessage, this, &MainWindow::showStatus);

    createActions();
    createInbox();

    m_statsLabel = new QLabel(this);
    m_statsLabel->setObjectName(QStringLiteral("statsLabel"));
    m_statsLabel->setContentsMargins(8, 0, 8, 0);
    statusBar()->addPermanentWidget(m_statsLabel);
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
    connect(engine, &Engine::queueChanged, this, kick);
    connect(engine, &Engine::messageAdded, this, kick);
    refreshStats();

    restoreWindowState();
}

MainWindow::~MainWindow()
{
    // Quitting on a signal destroys the window without a close event; keep its layout anyway.
    if (isVisible())
        saveWindowState();
}

void MainWindow::createActions()
{
    QAction *quit = new QAction(tr("&Quit"), this);
    quit->setObjectName(QStringLiteral("quitAction"));
    quit->setShortcut(QKeySequence::Quit);
    quit->setMenuRole(QAction::QuitRole);
    connect(quit, &QAction::triggered, this, &QWidget::close);

    QAction *refresh =
        new QAction(style()->standardIcon(QStyle::SP_BrowserReload), tr("&Refresh"), this);
    refresh->setObjectName(QStringLiteral("refreshAction"));
    refresh->setShortcut(QKeySequence::Refresh);
    refresh->setToolTip(tr("Reload the inbox and the open conversation"));
    connect(refresh, &QAction::triggered, this, [this] {
        m_model->reload();
        m_view->reload();
    });

    QAction *nextDraft =
        new QAction(style()->standardIcon(QStyle::SP_ArrowForward), tr("&Next draft"), this);
    nextDraft->setObjectName(QStringLiteral("nextDraftAction"));
    nextDraft->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_J));
    nextDraft->setToolTip(tr("Open the next conversation with a draft waiting for review"));
    connect(nextDraft, &QAction::triggered, this, &MainWindow::selectNextDraft);

    QAction *about = new QAction(tr("&About Relaydesk"), this);
    about->setObjectName(QStringLiteral("aboutAction"));
    about->setMenuRole(QAction::AboutRole);
    connect(about, &QAction::triggered, this, &MainWindow::showAbout);

    QMenu *fileMenu = menuBar()->addMenu(tr("&File"));
    fileMenu->setObjectName(QStringLiteral("fileMenu"));
    fileMenu->addAction(quit);

    QMenu *goMenu = menuBar()->addMenu(tr("&Go"));
    goMenu->setObjectName(QStringLiteral("goMenu"));
    goMenu->addAction(refresh);
    goMenu->addAction(nextDraft);

    m_viewMenu = menuBar()->addMenu(tr("&View"));
    m_viewMenu->setObjectName(QStringLiteral("viewMenu"));

    QMenu *helpMenu = menuBar()->addMenu(tr("&Help"));
    helpMenu->setObjectName(QStringLiteral("helpMenu"));
    helpMenu->addAction(about);

    m_toolBar = addToolBar(tr("Main toolbar"));
    m_toolBar->setObjectName(QStringLiteral("mainToolBar"));
    m_toolBar->setMovable(false);
    m_toolBar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_toolBar->addAction(refresh);
    m_toolBar->addAction(nextDraft);

    m_viewMenu->addAction(m_toolBar->toggleViewAction());
    m_viewMenu->addSeparator();
}

void MainWindow::createInbox()
{
    m_model = new ConversationListModel(m_engine, this);
    connect(m_model, &ConversationListModel::errorOccurred, this, &MainWindow::showStatus);
    m_inbox = new InboxPanel(m_model, this);
    m_inbox->setOperatorName(m_view->operatorName());
    connect(m_inbox, &InboxPanel::currentConversationChanged, m_view,
            &ConversationView::showConversation);
    m_inboxDock =
        addDock(QStringLiteral("inboxDock"), tr("Inbox"), m_inbox, Qt::LeftDockWidgetArea);
    m_inboxDock->setMinimumWidth(320);
    resizeDocks({m_inboxDock}, {400}, Qt::Horizontal);
}

QDockWidget *MainWindow::addDock(const QString &objectName, const QString &title, QWidget *content,
                                 Qt::DockWidgetArea area)
{
    auto *dock = new QDockWidget(title, this);
    dock->setObjectName(objectName);
    dock->setWidget(content);
    dock->setFeatures(QDockWidget::DockWidgetClosable | QDockWidget::DockWidgetMovable |
                      QDockWidget::DockWidgetFloatable);
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
    const QString text =
        m_engine->isRunning()
            ? tr("Queue: %1  ·  Ingested: %2  ·  Jobs done: %3  ·  Jobs failed: %4  ·  Active "
                 "conversations: %5")
                  .arg(stats.readyJobs)
                  .arg(stats.messagesIngested)
                  .arg(stats.jobsSucceeded)
                  .arg(stats.jobsFailed)
                  .arg(stats.activeConversations)
            : tr("Engine stopped");
    m_statsLabel->setText(text);
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
