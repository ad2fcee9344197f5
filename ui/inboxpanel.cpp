#include "ui/inboxpanel.h"

#include "ui/conversationitemdelegate.h"
#include "ui/conversationlistmodel.h"
#include "ui/displaynames.h"
#include "ui/theme.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QPushButton>
#include <QScrollBar>
#include <QSettings>
#include <QStackedWidget>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

namespace relaydesk::ui {

namespace {

const QString kSettingsGroup = QStringLiteral("Inbox");
const QString kActive = QStringLiteral("active");
const QString kAll = QStringLiteral("all");

QString sortKey(ConversationSort sort)
{
    switch (sort) {
    case ConversationSort::Newest:
        return QStringLiteral("newest");
    case ConversationSort::Priority:
        return QStringLiteral("priority");
    case ConversationSort::LongestWaiting:
        break;
    }
    return QStringLiteral("waiting");
}

void selectData(QComboBox *box, const QString &value)
{
    const int index = box->findData(value);
    box->setCurrentIndex(index >= 0 ? index : 0);
}

} // namespace

InboxPanel::InboxPanel(ConversationListModel *model, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
{
    setObjectName(QStringLiteral("inboxPanel"));
    buildControls();

    m_searchDelay = new QTimer(this);
    m_searchDelay->setSingleShot(true);
    m_searchDelay->setInterval(kSearchDelayMs);
    connect(m_searchDelay, &QTimer::timeout, this, &InboxPanel::applyFilter);
    connect(m_search, &QLineEdit::textChanged, m_searchDelay, qOverload<>(&QTimer::start));
    connect(m_search, &QLineEdit::returnPressed, this, [this] {
        m_searchDelay->stop();
        applyFilter();
        focusList();
    });
    for (QComboBox *box : {m_status, m_platform, m_priority, m_label, m_sort})
        connect(box, &QComboBox::activated, this, &InboxPanel::applyFilter);
    for (QToolButton *chip : {m_needsReview, m_flagged, m_mine})
        connect(chip, &QToolButton::toggled, this, &InboxPanel::applyFilter);
    connect(m_clearFilters, &QPushButton::clicked, this, &InboxPanel::clearFilters);

    connect(m_list->selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this](const QModelIndex &current) {
                const QString id = current.data(ConversationListModel::IdRole).toString();
                // A row disappearing under the cursor (a reset) must not close the open
                // conversation; only the operator's own choice moves it.
                if (id.isEmpty())
                    return;
                m_model->setPinnedId(id);
                Q_EMIT currentConversationChanged(id);
            });

    // Keep the selection across reloads and the visible rows across live updates.
    connect(m_model, &QAbstractItemModel::modelAboutToBeReset, this,
            [this] { m_selectedBeforeReset = currentId(); });
    connect(m_model, &QAbstractItemModel::modelReset, this, [this] {
        const int row = m_model->rowOf(m_selectedBeforeReset);
        if (row >= 0)
            m_list->setCurrentIndex(m_model->index(row));
        updatePage();
        updateLabelChoices();
        updateFooter();
    });
    connect(m_model, &QAbstractItemModel::rowsAboutToBeInserted, this, &InboxPanel::rememberAnchor);
    connect(m_model, &QAbstractItemModel::rowsAboutToBeRemoved, this, &InboxPanel::rememberAnchor);
    connect(m_model, &QAbstractItemModel::rowsAboutToBeMoved, this, &InboxPanel::rememberAnchor);
    for (auto signal : {&QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved}) {
        connect(m_model, signal, this, [this] {
            restoreAnchor();
            updatePage();
            updateLabelChoices();
            updateFooter();
        });
    }
    connect(m_model, &QAbstractItemModel::rowsMoved, this, &InboxPanel::restoreAnchor);
    connect(m_model, &QAbstractItemModel::dataChanged, this, &InboxPanel::updateLabelChoices);
    connect(m_model, &ConversationListModel::loaded, this, &InboxPanel::updateFooter);
    connect(m_model, &ConversationListModel::pageLoaded, this, &InboxPanel::updateFooter);

    // Waiting times grow while nobody touches the list.
    m_clock = new QTimer(this);
    m_clock->setInterval(30000);
    connect(m_clock, &QTimer::timeout, m_list->viewport(), qOverload<>(&QWidget::update));
    m_clock->start();

    restoreSettings();
    updatePage();
    updateFooter();
}

void InboxPanel::buildControls()
{
    setStyleSheet(
        Theme::panelStyle(objectName()) +
        QStringLiteral("QWidget#inboxFilters { background: %1; border-bottom: 1px solid "
                       "%2; } QLineEdit#inboxSearch { border: 1px solid %3; "
                       "border-radius: 6px; padding: 5px 8px; background: %4; color: %5; }"
                       "QLineEdit#inboxSearch:focus { border-color: %6; }"
                       "QLabel#inboxFooter { color: %7; padding: 4px 12px; "
                       "border-top: 1px solid %2; background: %1; }")
            .arg(Theme::css(Theme::windowBackground()), Theme::css(Theme::separator()),
                 Theme::css(Theme::inputBorder()), Theme::css(Theme::surface()),
                 Theme::css(Theme::text()), Theme::css(Theme::accent()),
                 Theme::css(Theme::mutedText())));

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);

    auto *filters = new QWidget(this);
    filters->setObjectName(QStringLiteral("inboxFilters"));
    filters->setAttribute(Qt::WA_StyledBackground);
    auto *column = new QVBoxLayout(filters);
    column->setContentsMargins(10, 8, 10, 8);
    column->setSpacing(6);

    m_search = new QLineEdit(filters);
    m_search->setObjectName(QStringLiteral("inboxSearch"));
    m_search->setPlaceholderText(tr("Search messages… (Ctrl+F)"));
    m_search->setClearButtonEnabled(true);
    m_search->setAccessibleName(tr("Search conversations"));
    m_search->setToolTip(tr("Full-text search over every message; press Return to go to the "
                            "results"));
    column->addWidget(m_search);

    const auto combo = [filters](const QString &name, const QString &accessible) {
        auto *box = new QComboBox(filters);
        box->setObjectName(name);
        box->setAccessibleName(accessible);
        box->setToolTip(accessible);
        box->setSizeAdjustPolicy(QComboBox::AdjustToContents);
        return box;
    };
    m_status = combo(QStringLiteral("statusFilter"), tr("Status filter"));
    m_status->addItem(tr("Active"), kActive);
    m_status->addItem(tr("All statuses"), kAll);
    for (ConversationStatus status : {ConversationStatus::Open, ConversationStatus::Pending,
                                      ConversationStatus::Resolved, ConversationStatus::Archived})
        m_status->addItem(DisplayNames::conversationStatus(status), toString(status));
    m_platform = combo(QStringLiteral("platformFilter"), tr("Platform filter"));
    m_platform->addItem(tr("All platforms"), QString());
    for (Platform platform : {Platform::Telegram, Platform::Discord, Platform::Twitter,
                              Platform::Sms, Platform::Mms, Platform::Email, Platform::Webhook})
        m_platform->addItem(DisplayNames::platform(platform), toString(platform));
    m_priority = combo(QStringLiteral("priorityFilter"), tr("Priority filter"));
    m_priority->addItem(tr("Any priority"), QString());
    for (Priority priority : {Priority::Urgent, Priority::High, Priority::Normal, Priority::Low})
        m_priority->addItem(DisplayNames::priority(priority), toString(priority));
    auto *row = new QHBoxLayout;
    row->setSpacing(6);
    row->addWidget(m_status, 1);
    row->addWidget(m_platform, 1);
    row->addWidget(m_priority, 1);
    column->addLayout(row);

    const auto chip = [filters](const QString &name, const QString &text, const QString &tip) {
        auto *button = new QToolButton(filters);
        button->setObjectName(name);
        button->setText(text);
        button->setCheckable(true);
        button->setProperty("role", QStringLiteral("chip"));
        button->setToolTip(tip);
        button->setAccessibleName(text);
        button->setFocusPolicy(Qt::StrongFocus);
        return button;
    };
    m_needsReview = chip(QStringLiteral("needsReviewFilter"), tr("Needs review"),
                         tr("Only conversations with AI drafts waiting for review"));
    m_flagged = chip(QStringLiteral("flaggedFilter"), tr("Flagged"),
                     tr("Only conversations flagged by moderation or the AI rate limit"));
    m_mine =
        chip(QStringLiteral("mineFilter"), tr("Mine"), tr("Only conversations assigned to me"));
    m_label = combo(QStringLiteral("labelFilter"), tr("Label filter"));
    m_label->addItem(tr("Any label"), QString());
    auto *chips = new QHBoxLayout;
    chips->setSpacing(6);
    chips->addWidget(m_needsReview);
    chips->addWidget(m_flagged);
    chips->addWidget(m_mine);
    chips->addStretch(1);
    chips->addWidget(m_label);
    column->addLayout(chips);

    m_sort = combo(QStringLiteral("sortOrder"), tr("Sort order"));
    m_sort->addItem(tr("Longest waiting"), sortKey(ConversationSort::LongestWaiting));
    m_sort->addItem(tr("Priority"), sortKey(ConversationSort::Priority));
    m_sort->addItem(tr("Newest"), sortKey(ConversationSort::Newest));
    auto *sortRow = new QHBoxLayout;
    sortRow->setSpacing(6);
    auto *sortLabel = new QLabel(tr("Sort by"), filters);
    sortLabel->setProperty("role", QStringLiteral("muted"));
    sortLabel->setBuddy(m_sort);
    sortRow->addWidget(sortLabel);
    sortRow->addWidget(m_sort);
    sortRow->addStretch(1);
    column->addLayout(sortRow);
    layout->addWidget(filters);

    m_pages = new QStackedWidget(this);
    auto *empty = new QWidget(m_pages);
    empty->setObjectName(QStringLiteral("inboxEmptyPage"));
    empty->setAttribute(Qt::WA_StyledBackground);
    empty->setStyleSheet(QStringLiteral("QWidget#inboxEmptyPage { background: %1; }")
                             .arg(Theme::css(Theme::surface())));
    auto *emptyColumn = new QVBoxLayout(empty);
    emptyColumn->setContentsMargins(24, 24, 24, 24);
    emptyColumn->addStretch(1);
    m_emptyText = new QLabel(empty);
    m_emptyText->setObjectName(QStringLiteral("inboxEmpty"));
    m_emptyText->setAlignment(Qt::AlignCenter);
    m_emptyText->setWordWrap(true);
    m_emptyText->setProperty("role", QStringLiteral("muted"));
    m_emptyText->setStyleSheet(QStringLiteral("color: %1;").arg(Theme::css(Theme::mutedText())));
    m_clearFilters = new QPushButton(tr("Clear filters"), empty);
    m_clearFilters->setObjectName(QStringLiteral("clearFiltersButton"));
    emptyColumn->addWidget(m_emptyText);
    emptyColumn->addWidget(m_clearFilters, 0, Qt::AlignHCenter);
    emptyColumn->addStretch(2);
    m_pages->addWidget(empty);

    m_list = new QListView(m_pages);
    m_list->setObjectName(QStringLiteral("conversationList"));
    m_list->setModel(m_model);
    m_list->setItemDelegate(new ConversationItemDelegate(m_list));
    m_list->setSelectionMode(QAbstractItemView::SingleSelection);
    m_list->setUniformItemSizes(true);
    m_list->setMouseTracking(true);
    m_list->setFrameShape(QFrame::NoFrame);
    m_list->setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
    m_list->setAccessibleName(tr("Conversations"));
    m_list->setStyleSheet(
        QStringLiteral("QListView { background: %1; }").arg(Theme::css(Theme::surface())));
    m_pages->addWidget(m_list);
    layout->addWidget(m_pages, 1);

    m_footer = new QLabel(this);
    m_footer->setObjectName(QStringLiteral("inboxFooter"));
    layout->addWidget(m_footer);
}

void InboxPanel::setOperatorName(const QString &name)
{
    if (name == m_operatorName)
        return;
    m_operatorName = name;
    if (m_mine->isChecked())
        applyFilter();
}

ConversationFilter InboxPanel::currentFilter() const
{
    ConversationFilter filter;
    const QString status = m_status->currentData().toString();
    if (status == kActive)
        filter.statuses = {ConversationStatus::Open, ConversationStatus::Pending};
    else if (status != kAll)
        filter.status = parseConversationStatus(status);
    if (const auto platform = parsePlatform(m_platform->currentData().toString()))
        filter.platform = platform;
    if (const auto priority = parsePriority(m_priority->currentData().toString()))
        filter.priority = priority;
    filter.needsReview = m_needsReview->isChecked();
    if (m_flagged->isChecked())
        filter.flagged = true;
    if (m_mine->isChecked())
        // Nobody is called "": with no operator name, "mine" matches nothing rather than all.
        filter.assignee = m_operatorName.isEmpty() ? QStringLiteral("\n") : m_operatorName;
    filter.label = m_label->currentData().toString();
    filter.search = m_search->text().trimmed();
    const QString sort = m_sort->currentData().toString();
    filter.sort = sort == sortKey(ConversationSort::Newest)     ? ConversationSort::Newest
                  : sort == sortKey(ConversationSort::Priority) ? ConversationSort::Priority
                                                                : ConversationSort::LongestWaiting;
    return filter;
}

bool InboxPanel::hasActiveFilters() const
{
    return m_status->currentData().toString() != kActive || m_platform->currentIndex() > 0 ||
           m_priority->currentIndex() > 0 || m_label->currentIndex() > 0 ||
           m_needsReview->isChecked() || m_flagged->isChecked() || m_mine->isChecked() ||
           !m_search->text().trimmed().isEmpty();
}

void InboxPanel::clearFilters()
{
    m_restoring = true;
    m_status->setCurrentIndex(0);
    m_platform->setCurrentIndex(0);
    m_priority->setCurrentIndex(0);
    m_label->setCurrentIndex(0);
    m_needsReview->setChecked(false);
    m_flagged->setChecked(false);
    m_mine->setChecked(false);
    m_search->clear();
    m_searchDelay->stop();
    m_restoring = false;
    applyFilter();
}

void InboxPanel::restoreSettings()
{
    m_restoring = true;
    QSettings settings;
    settings.beginGroup(kSettingsGroup);
    selectData(m_status, settings.value(QStringLiteral("status"), kActive).toString());
    selectData(m_platform, settings.value(QStringLiteral("platform")).toString());
    selectData(m_priority, settings.value(QStringLiteral("priority")).toString());
    selectData(m_sort, settings.value(QStringLiteral("sort")).toString());
    const QString label = settings.value(QStringLiteral("label")).toString();
    if (!label.isEmpty()) {
        m_seenLabels.insert(label);
        updateLabelChoices();
        selectData(m_label, label);
    }
    m_needsReview->setChecked(settings.value(QStringLiteral("needsReview"), false).toBool());
    m_flagged->setChecked(settings.value(QStringLiteral("flagged"), false).toBool());
    m_mine->setChecked(settings.value(QStringLiteral("mine"), false).toBool());
    settings.endGroup();
    m_restoring = false;
    m_model->setFilter(currentFilter());
}

void InboxPanel::saveSettings() const
{
    QSettings settings;
    settings.beginGroup(kSettingsGroup);
    settings.setValue(QStringLiteral("status"), m_status->currentData());
    settings.setValue(QStringLiteral("platform"), m_platform->currentData());
    settings.setValue(QStringLiteral("priority"), m_priority->currentData());
    settings.setValue(QStringLiteral("sort"), m_sort->currentData());
    settings.setValue(QStringLiteral("label"), m_label->currentData());
    settings.setValue(QStringLiteral("needsReview"), m_needsReview->isChecked());
    settings.setValue(QStringLiteral("flagged"), m_flagged->isChecked());
    settings.setValue(QStringLiteral("mine"), m_mine->isChecked());
    settings.endGroup();
}

void InboxPanel::applyFilter()
{
    if (m_restoring)
        return;
    saveSettings();
    const ConversationFilter filter = currentFilter();
    m_model->setFilter(filter);
    updateFooter();
}

QString InboxPanel::currentId() const
{
    return m_list->currentIndex().data(ConversationListModel::IdRole).toString();
}

bool InboxPanel::select(const QString &conversationId)
{
    const int row = m_model->rowOf(conversationId);
    if (row < 0)
        return false;
    const QModelIndex index = m_model->index(row);
    m_list->setCurrentIndex(index);
    m_list->scrollTo(index);
    return true;
}

bool InboxPanel::selectRelative(int step)
{
    const int rows = m_model->rowCount();
    if (rows == 0)
        return false;
    const QModelIndex current = m_list->currentIndex();
    int row = current.isValid() ? current.row() + step : (step > 0 ? 0 : rows - 1);
    if (row >= rows && m_model->canFetchMore({}))
        m_model->fetchMore({});
    if (row < 0 || row >= rows)
        return false;
    return select(m_model->idAt(row));
}

void InboxPanel::focusSearch()
{
    m_search->setFocus(Qt::ShortcutFocusReason);
    m_search->selectAll();
}

void InboxPanel::focusList()
{
    m_list->setFocus(Qt::OtherFocusReason);
    if (!m_list->currentIndex().isValid() && m_model->rowCount() > 0)
        m_list->setCurrentIndex(m_model->index(0));
}

void InboxPanel::updatePage()
{
    const bool empty = m_model->rowCount() == 0;
    const bool filtered = hasActiveFilters();
    m_emptyText->setText(filtered ? tr("No conversations match these filters.")
                                  : tr("No conversations yet.\nCustomer messages appear here as "
                                       "soon as they arrive."));
    m_clearFilters->setVisible(filtered);
    m_pages->setCurrentIndex(empty ? 0 : 1);
}

void InboxPanel::updateFooter()
{
    const int rows = m_model->rowCount();
    QString text = m_model->hasMore() ? tr("%1 conversations loaded, scroll for more").arg(rows)
                   : rows == 1        ? tr("1 conversation")
                                      : tr("%1 conversations").arg(rows);
    if (hasActiveFilters())
        text += QStringLiteral("  ·  ") + tr("filtered");
    m_footer->setText(text);
    updatePage();
}

void InboxPanel::updateLabelChoices()
{
    const qsizetype before = m_seenLabels.size();
    for (const QString &label : m_model->knownLabels())
        m_seenLabels.insert(label);
    if (m_seenLabels.size() == before && m_label->count() == before + 1)
        return;
    const QString current = m_label->currentData().toString();
    QStringList labels(m_seenLabels.cbegin(), m_seenLabels.cend());
    labels.sort(Qt::CaseInsensitive);
    const QSignalBlocker quiet(m_label);
    while (m_label->count() > 1)
        m_label->removeItem(1);
    for (const QString &label : std::as_const(labels))
        m_label->addItem(QLatin1Char('#') + label, label);
    selectData(m_label, current);
}

void InboxPanel::rememberAnchor()
{
    QScrollBar *bar = m_list->verticalScrollBar();
    m_anchor = QPersistentModelIndex();
    m_anchorRow = -1;
    // At the very top the operator sees what is newest at the top; only a scrolled list is held.
    if (bar->value() <= 0)
        return;
    const QModelIndex top = m_list->indexAt(QPoint(1, 1));
    if (!top.isValid())
        return;
    m_anchor = top;
    m_anchorRow = top.row();
    m_anchorScroll = bar->value();
}

void InboxPanel::restoreAnchor()
{
    if (!m_anchor.isValid() || m_anchorRow < 0) {
        m_anchorRow = -1;
        return;
    }
    const int moved = m_anchor.row() - m_anchorRow;
    m_anchorRow = -1;
    if (moved == 0)
        return;
    // The view lays items out lazily; the scroll range must include the new rows first.
    m_list->doItemsLayout();
    const int rowHeight = m_list->sizeHintForRow(0);
    m_list->verticalScrollBar()->setValue(m_anchorScroll + moved * rowHeight);
}

} // namespace relaydesk::ui
