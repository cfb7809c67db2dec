package dev.paddock.event;

import dev.paddock.support.GenericPlans;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The numbering's statements run on plans PostgreSQL made once ({@link EventStore#INDEXED_PLAN}),
 * without the batch in hand: the batch is still read from the unnumbered events' own index and
 * each of its events found by its primary key, never by reading the table or a whole index, however
 * many events it holds.
 */
@QuarkusTest
class EventNumberingPlanTest {

    @Inject
    AgroalDataSource dataSource;

    @Test
    void aBatchIsPickedFromTheIndexOfUnnumberedEvents() throws Exception {
        String plan = GenericPlans.of(dataSource, EventStore.PICK_UNNUMBERED.replace("?", ":batch"),
                GenericPlans.types("batch", "integer"), List.of(GenericPlans.TABLE_SCAN_LAST));
        assertThat(plan).contains("ix_events_unsequenced").doesNotContain("Sort");
    }

    @Test
    void eachPickedEventIsFoundByItsPrimaryKey() throws Exception {
        String plan = GenericPlans.of(dataSource,
                EventStore.NUMBER_PICKED.replace("?::bigint[]", ":picked").replace("?", ":last"),
                GenericPlans.types("last", "bigint", "picked", "bigint[]"), List.of(GenericPlans.TABLE_SCAN_LAST));
        String numbered = GenericPlans.cte(plan, "numbered");
        assertThat(numbered).contains("Nested Loop").contains("Index Cond: (pos = p.pos)");
        assertThat(numbered).doesNotContain("Hash").doesNotContain("Merge");
    }
}
