#include "ui/queuepanel.h"

#include "engine/engine.h"
#include "storage/conversationrepository.h"
#include "storage/messagerepository.h"
#include "ui/displaynames.h"
#include "ui/errortext.h"
#include "ui/sparkline.h"
#include "ui/theme.h"
#include "ui/whenready.h"

#include <QAction>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QTableWidget>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace relaydesk::ui {

namespace {

const QStringList kStates{QStringLiteral("ready"), QStringLiteral("running"),
                          QStringLiteral("dead")};
const QList<Priority> kPriorities{Priority::Urgent, Priority::High, Priority::Normal,
                                  Priority::Low};
constexpr int kJobIdRole = Qt::UserRole + 1;
constexpr int kConversationRole = Qt::UserRole + 2;

enum Column { KindColumn, CustomerColumn, ErrorColumn, WhenColumn, ColumnCount };

} // namespace

QueuePanel::QueuePanel(Engine *engine, QWidget *parent)
    : QWidget(parent)
    , m_engine(engine)
{
    setObjectName(QStringLiteral("queuePanel"));
    build();
    m_refresh.setInterval(3000);
    connect(&m_refresh, &QTimer::timeout, this, &QueuePanel::reload);
    m_refresh.start();
    m_kick.setSingleShot(true);
    m_kick.setInterval(250);
    connect(&m_kick, &QTimer::timeout, this, &QueuePanel::reload);
    connect(engine, &Engine::queueChanged, this, [this] {
        if (!m_kick.isActive())
            m_kick.start();
    });
    m_sampler.setInterval(1000);
    connect(&m_sampler, &QTimer::timeout, this, &QueuePanel::sample);
    m_sampler.start();
    sample();
    reload();
}

void QueuePanel::build()
{
    setStyleSheet(Theme::panelStyle(objectName()) +
                  QStringLiteral("QTableWidget, QTreeWidget { background: %1; border: none; "
                                 "color: %2; alternate-background-color: %3; }"
                                 "QLabel#queueRate { color: %2; font-weight: 600; }")
                      .arg(Theme::css(Theme::surface()), Theme::css(Theme::text()),
                           Theme::css(Theme::windowBackground())));
    // Scrolls rather than forcing its height on the dock area it shares with others.
    auto *outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    auto *scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto *content = new QWidget(scroll);
    content->setObjectName(QStringLiteral("queueContent"));
    content->setAttribute(Qt::WA_StyledBackground);
    content->setStyleSheet(QStringLiteral("QWidget#queueContent { background: %1; }")
                               .arg(Theme::css(Theme::surface())));
    scroll->setWidget(content);
    outer->addWidget(scroll);
    auto *column = new QVBoxLayout(content);
    column->setContentsMargins(12, 10, 12, 12);
    column->setSpacing(6);

    auto *countsTitle = new QLabel(tr("JOBS BY PRIORITY"), content);
    countsTitle->setProperty("role", QStringLiteral("section"));
    column->addWidget(countsTitle);
    m_counts = new QTableWidget(int(kPriorities.size()) + 1, int(kStates.size()), content);
    m_counts->setObjectName(QStringLiteral("queueCounts"));
    m_counts->setAccessibleName(tr("Jobs by priority and state"));
    m_counts->setHorizontalHeaderLabels({tr("Ready"), tr("Running"), tr("Dead")});
    QStringList rows;
    for (Priority priority : kPriorities)
        rows << DisplayNames::priorityShort(priority);
    rows << tr("Total");
    m_counts->setVerticalHeaderLabels(rows);
    m_counts->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_counts->setSelectionMode(QAbstractItemView::NoSelection);
    m_counts->setFocusPolicy(Qt::NoFocus);
    m_counts->setShowGrid(false);
    m_counts->setAlternatingRowColors(true);
    m_counts->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_counts->verticalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    for (int row = 0; row < m_counts->rowCount(); ++row) {
        for (int col = 0; col < m_counts->columnCount(); ++col) {
            auto *item = new QTableWidgetItem(QStringLiteral("0"));
            item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            if (row == m_counts->rowCount() - 1) {
                QFont bold = item->font();
                bold.setBold(true);
                item->setFont(bold);
            }
            m_counts->setItem(row, col, item);
        }
    }
    m_counts->verticalHeader()->setDefaultSectionSize(m_counts->fontMetrics().height() + 8);
    m_counts->resizeRowsToContents();
    int height = m_counts->horizontalHeader()->sizeHint().height() + 4;
    for (int row = 0; row < m_counts->rowCount(); ++row)
        height += m_counts->rowHeight(row);
    m_counts->setFixedHeight(height);
    column->addWidget(m_counts);

    auto *throughputRow = new QHBoxLayout;
    auto *throughputTitle = new QLabel(tr("THROUGHPUT"), content);
    throughputTitle->setProperty("role", QStringLiteral("section"));
    m_rate = new QLabel(content);
    m_rate->setObjectName(QStringLiteral("queueRate"));
    throughputRow->addWidget(throughputTitle);
    throughputRow->addStretch(1);
    throughputRow->addWidget(m_rate);
    column->addLayout(throughputRow);
    m_sparkline = new Sparkline(content);
    m_sparkline->setAccessibleName(tr("Jobs completed per second over the last two minutes"));
    m_sparkline->setToolTip(m_sparkline->accessibleName());
    column->addWidget(m_sparkline);

    m_deadTitle = new QLabel(content);
    m_deadTitle->setProperty("role", QStringLiteral("section"));
    column->addWidget(m_deadTitle);
    m_dead = new QTreeWidget(content);
    m_dead->setObjectName(QStringLiteral("deadLetters"));
    m_dead->setAccessibleName(tr("Dead letters"));
    m_dead->setColumnCount(ColumnCount);
    m_dead->setHeaderLabels({tr("Job"), tr("Customer"), tr("Error"), tr("When")});
    m_dead->setRootIsDecorated(false);
    m_dead->setAlternatingRowColors(true);
    m_dead->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_dead->setUniformRowHeights(true);
    m_dead->setMinimumHeight(120);
    m_dead->header()->setStretchLastSection(false);
    m_dead->header()->setSectionResizeMode(ErrorColumn, QHeaderView::Stretch);
    m_dead->header()->setSectionResizeMode(KindColumn, QHeaderView::ResizeToContents);
    m_dead->header()->setSectionResizeMode(CustomerColumn, QHeaderView::Interactive);
    m_dead->header()->resizeSection(CustomerColumn, 130);
    m_dead->header()->setSectionResizeMode(WhenColumn, QHeaderView::ResizeToContents);
    column->addWidget(m_dead, 1);
    connect(m_dead, &QTreeWidget::itemSelectionChanged, this, &QueuePanel::updateButtons);
    connect(m_dead, &QTreeWidget::itemActivated, this, [this](QTreeWidgetItem *item) {
        const QString conversation = item->data(0, kConversationRole).toString();
        if (!conversation.isEmpty())
            Q_EMIT openConversation(conversation);
    });

    m_progress = new QProgressBar(content);
    m_progress->setObjectName(QStringLiteral("retryProgress"));
    m_progress->setTextVisible(true);
    m_progress->hide();
    column->addWidget(m_progress);

    auto *buttons = new QHBoxLayout;
    m_open = new QPushButton(tr("Open conversation"), content);
    m_open->setObjectName(QStringLiteral("openDeadLetterButton"));
    m_retry = new QPushButton(tr("Retry"), content);
    m_retry->setObjectName(QStringLiteral("retryDeadLetterButton"));
    m_retry->setToolTip(tr("Send the selected dead letters back to the queue"));
    m_retry->setProperty("role", QStringLiteral("primary"));
    m_retryAll = new QPushButton(tr("Retry all"), content);
    m_retryAll->setObjectName(QStringLiteral("retryAllButton"));
    m_discard = new QPushButton(tr("Discard"), content);
    m_discard->setObjectName(QStringLiteral("discardDeadLetterButton"));
    m_discard->setToolTip(tr("Give up on the selected dead letters (Delete); their messages "
                             "stay unsent"));
    buttons->addWidget(m_open);
    buttons->addStretch(1);
    buttons->addWidget(m_discard);
    buttons->addWidget(m_retryAll);
    buttons->addWidget(m_retry);
    column->addLayout(buttons);
    connect(m_retry, &QPushButton::clicked, this, &QueuePanel::retrySelected);
    connect(m_retryAll, &QPushButton::clicked, this, &QueuePanel::retryAll);
    connect(m_discard, &QPushButton::clicked, this, &QueuePanel::discardSelected);
    // Keyboard-first: Delete on the dead letters asks to discard the selected ones.
    auto *discardKey = new QAction(tr("Discard dead letters"), m_dead);
    discardKey->setShortcut(QKeySequence::Delete);
    discardKey->setShortcutContext(Qt::WidgetShortcut);
    m_dead->addAction(discardKey);
    connect(discardKey, &QAction::triggered, this, &QueuePanel::discardSelected);
    connect(m_open, &QPushButton::clicked, this, [this] {
        const auto selected = m_dead->selectedItems();
        if (!selected.isEmpty())
            Q_EMIT openConversation(selected.first()->data(0, kConversationRole).toString());
    });
    updateButtons();
}

int QueuePanel::shownCount(const QString &state, Priority priority) const
{
    const int column = int(kStates.indexOf(state));
    const int row = int(kPriorities.indexOf(priority));
    if (column < 0 || row < 0)
        return -1;
    return m_counts->item(row, column)->text().toInt();
}

void QueuePanel::sample()
{
    const quint64 succeeded = m_engine->stats().jobsSucceeded;
    if (m_haveSample)
        m_throughput.append(double(succeeded >= m_lastSucceeded ? succeeded - m_lastSucceeded : 0));
    m_haveSample = true;
    m_lastSucceeded = succeeded;
    while (m_throughput.size() > kSamples)
        m_throughput.removeFirst();
    m_sparkline->setValues(m_throughput);
    double lastMinute = 0;
    for (qsizetype i = std::max<qsizetype>(0, m_throughput.size() - 60); i < m_throughput.size();
         ++i)
        lastMinute += m_throughput.at(i);
    m_rate->setText(tr("%1 jobs in the last minute").arg(QLocale().toString(qint64(lastMinute))));
}

void QueuePanel::reload()
{
    if (m_loading) {
        m_reloadAgain = true;
        return;
    }
    m_loading = true;
    whenReady(m_engine->read<Snapshot>([](QSqlDatabase &db) -> Outcome<Snapshot> {
        Snapshot snapshot;
        JobQueue queue(db);
        auto counts = queue.counts();
        if (!counts.isOk())
            return counts.error();
        snapshot.counts = counts.value();
        auto dead = queue.dead(kDeadLetterLimit);
        if (!dead.isOk())
            return dead.error();
        MessageRepository messages(db);
        ConversationRepository conversations(db);
        QHash<QString, QString> customers;
        for (const Job &job : std::as_const(dead.value())) {
            DeadLetter letter{
                job, job.payload.value(QStringLiteral("conversation_id")).toString(), {}, {}};
            if (!job.messageId.isEmpty()) {
                auto message = messages.get(job.messageId);
                if (message.isOk()) {
                    letter.preview = message.value().content.simplified().left(120);
                    if (letter.conversationId.isEmpty())
                        letter.conversationId = message.value().conversationId;
                }
            }
            if (!letter.conversationId.isEmpty()) {
                if (!customers.contains(letter.conversationId)) {
                    auto conversation = conversations.get(letter.conversationId);
                    customers.insert(
                        letter.conversationId,
                        conversation.isOk()
                            ? DisplayNames::platform(conversation.value().platform) +
                                  QStringLiteral(" · ") +
                                  conversation.value().participants.join(QStringLiteral(", "))
                            : QString());
                }
                letter.customer = customers.value(letter.conversationId);
            }
            snapshot.dead.append(letter);
        }
        return snapshot;
    }),
              this, [this](const Outcome<Snapshot> &result) {
                  m_loading = false;
                  if (result.isOk())
                      apply(result.value());
                  else
                      Q_EMIT statusMessage(
                          ErrorText::describe(tr("Reading the queue"), result.error()));
                  if (m_reloadAgain) {
                      m_reloadAgain = false;
                      reload();
                  }
              });
}

void QueuePanel::apply(const Snapshot &snapshot)
{
    const QLocale locale;
    QList<int> totals(kStates.size(), 0);
    for (int row = 0; row < kPriorities.size(); ++row) {
        for (int col = 0; col < kStates.size(); ++col) {
            const int count =
                snapshot.counts.byState.value(kStates.at(col)).value(kPriorities.at(row));
            totals[col] += count;
            QTableWidgetItem *item = m_counts->item(row, col);
            item->setText(locale.toString(count));
            item->setForeground(count > 0 && kStates.at(col) == QLatin1String("dead")
                                    ? Theme::errorText()
                                : count > 0 ? Theme::text()
                                            : Theme::mutedText());
        }
    }
    for (int col = 0; col < kStates.size(); ++col)
        m_counts->item(int(kPriorities.size()), col)->setText(locale.toString(totals.at(col)));

    // Keep the operator's selection across refreshes.
    QSet<QString> selected;
    for (const QTreeWidgetItem *item : m_dead->selectedItems())
        selected.insert(item->data(0, kJobIdRole).toString());
    m_dead->clear();
    for (const DeadLetter &letter : snapshot.dead) {
        auto *item = new QTreeWidgetItem(m_dead);
        item->setData(0, kJobIdRole, letter.job.id);
        item->setData(0, kConversationRole, letter.conversationId);
        item->setText(KindColumn, DisplayNames::jobKind(letter.job.kind));
        item->setText(CustomerColumn, letter.customer);
        item->setToolTip(CustomerColumn, letter.customer);
        item->setText(ErrorColumn, letter.job.lastError);
        item->setForeground(ErrorColumn, Theme::errorText());
        item->setText(WhenColumn, DisplayNames::activityTime(letter.job.createdAt,
                                                             QDateTime::currentDateTimeUtc()));
        item->setToolTip(ErrorColumn, letter.job.lastError);
        item->setToolTip(KindColumn, tr("%1\nAttempts: %2 of %3\nMessage: %4")
                                         .arg(DisplayNames::priority(letter.job.priority))
                                         .arg(letter.job.attempts)
                                         .arg(letter.job.maxAttempts)
                                         .arg(letter.preview));
        if (selected.contains(letter.job.id))
            item->setSelected(true);
    }
    m_deadTitle->setText(snapshot.dead.size() >= kDeadLetterLimit
                             ? tr("DEAD LETTERS (NEWEST %1)").arg(kDeadLetterLimit)
                             : tr("DEAD LETTERS (%1)").arg(snapshot.dead.size()));
    updateButtons();
    Q_EMIT loaded();
}

void QueuePanel::updateButtons()
{
    const bool busy = isRetrying();
    const int selected = int(m_dead->selectedItems().size());
    m_retry->setEnabled(!busy && selected > 0);
    m_retry->setText(selected > 1 ? tr("Retry %1").arg(selected) : tr("Retry"));
    m_retryAll->setEnabled(!busy && m_dead->topLevelItemCount() > 0);
    m_discard->setEnabled(!busy && selected > 0);
    m_discard->setText(selected > 1 ? tr("Discard %1").arg(selected) : tr("Discard"));
    m_open->setEnabled(
        selected == 1 &&
        !m_dead->selectedItems().first()->data(0, kConversationRole).toString().isEmpty());
}

void QueuePanel::retrySelected()
{
    QStringList ids;
    for (const QTreeWidgetItem *item : m_dead->selectedItems())
        ids << item->data(0, kJobIdRole).toString();
    confirmRetry(ids);
}

void QueuePanel::retryAll()
{
    QStringList ids;
    for (int i = 0; i < m_dead->topLevelItemCount(); ++i)
        ids << m_dead->topLevelItem(i)->data(0, kJobIdRole).toString();
    confirmRetry(ids);
}

void QueuePanel::confirmRetry(const QStringList &jobIds)
{
    if (jobIds.isEmpty() || isRetrying())
        return;
    // Opened, not exec()'d: the queue keeps refreshing behind the question.
    auto *box = new QMessageBox(this);
    box->setObjectName(QStringLiteral("retryConfirmation"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setIcon(QMessageBox::Question);
    box->setWindowTitle(tr("Retry dead letters"));
    box->setText(jobIds.size() == 1
                     ? tr("Send this dead letter back to the queue?")
                     : tr("Send %1 dead letters back to the queue?").arg(jobIds.size()));
    box->setInformativeText(tr("Each job gets fresh attempts. Messages that cannot be delivered "
                               "end up here again."));
    QPushButton *confirm = box->addButton(tr("Retry"), QMessageBox::AcceptRole);
    confirm->setObjectName(QStringLiteral("confirmRetryButton"));
    box->addButton(QMessageBox::Cancel);
    box->setDefaultButton(confirm);
    connect(box, &QMessageBox::buttonClicked, this,
            [this, confirm, jobIds](QAbstractButton *button) {
                if (button == confirm)
                    startBulk(BulkAction::Retry, jobIds);
            });
    box->open();
}

void QueuePanel::discardSelected()
{
    QStringList ids;
    for (const QTreeWidgetItem *item : m_dead->selectedItems())
        ids << item->data(0, kJobIdRole).toString();
    confirmDiscard(ids);
}

void QueuePanel::confirmDiscard(const QStringList &jobIds)
{
    if (jobIds.isEmpty() || isRetrying())
        return;
    auto *box = new QMessageBox(this);
    box->setObjectName(QStringLiteral("discardConfirmation"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setIcon(QMessageBox::Warning);
    box->setWindowTitle(tr("Discard dead letters"));
    box->setText(jobIds.size() == 1 ? tr("Discard this dead letter?")
                                    : tr("Discard %1 dead letters?").arg(jobIds.size()));
    box->setInformativeText(tr("The jobs are deleted and will not be tried again; their messages "
                               "stay unsent. This cannot be undone."));
    QPushButton *confirm = box->addButton(tr("Discard"), QMessageBox::DestructiveRole);
    confirm->setObjectName(QStringLiteral("confirmDiscardButton"));
    QPushButton *cancel = box->addButton(QMessageBox::Cancel);
    // Destructive: Enter must not be the way to lose jobs.
    box->setDefaultButton(cancel);
    connect(box, &QMessageBox::buttonClicked, this,
            [this, confirm, jobIds](QAbstractButton *button) {
                if (button == confirm)
                    startBulk(BulkAction::Discard, jobIds);
            });
    box->open();
}

void QueuePanel::startBulk(BulkAction action, const QStringList &jobIds)
{
    m_bulkAction = action;
    m_retryQueue = jobIds;
    m_retryTotal = int(jobIds.size());
    m_retryFailed = 0;
    m_progress->setRange(0, m_retryTotal);
    m_progress->setValue(0);
    m_progress->setFormat(action == BulkAction::Retry ? tr("Retrying %v of %m")
                                                      : tr("Discarding %v of %m"));
    m_progress->setVisible(m_retryTotal > 1);
    updateButtons();
    retryNext();
}

void QueuePanel::finishBulk()
{
    m_retrying = false;
    m_progress->hide();
    const int done = m_retryTotal - m_retryFailed;
    if (m_bulkAction == BulkAction::Retry)
        Q_EMIT statusMessage(m_retryFailed == 0
                                 ? (done == 1
                                        ? tr("1 dead letter sent back to the queue.")
                                        : tr("%1 dead letters sent back to the queue.").arg(done))
                                 : tr("%1 of %2 dead letters sent back to the queue; %3 could not "
                                      "be retried.")
                                       .arg(done)
                                       .arg(m_retryTotal)
                                       .arg(m_retryFailed));
    else
        Q_EMIT statusMessage(m_retryFailed == 0
                                 ? (done == 1 ? tr("1 dead letter discarded.")
                                              : tr("%1 dead letters discarded.").arg(done))
                                 : tr("%1 of %2 dead letters discarded; %3 could not be "
                                      "discarded.")
                                       .arg(done)
                                       .arg(m_retryTotal)
                                       .arg(m_retryFailed));
    updateButtons();
    reload();
}

void QueuePanel::retryNext()
{
    if (m_retryQueue.isEmpty()) {
        finishBulk();
        return;
    }
    m_retrying = true;
    const QString jobId = m_retryQueue.takeFirst();
    const bool retry = m_bulkAction == BulkAction::Retry;
    auto future = retry ? m_engine->retryJob(jobId) : m_engine->discardJob(jobId, m_operatorName);
    whenReady(future, this, [this, retry](const Outcome<Job> &result) {
        if (!result.isOk()) {
            ++m_retryFailed;
            Q_EMIT statusMessage(ErrorText::describe(retry ? tr("Retrying a dead letter")
                                                           : tr("Discarding a dead letter"),
                                                     result.error()));
        }
        m_progress->setValue(m_retryTotal - int(m_retryQueue.size()));
        retryNext();
    });
}

} // namespace relaydesk::ui
