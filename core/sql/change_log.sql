-- The change log behind the sync feed (core/change_log.py): one core_change row for every
-- insert, update and delete of a logged table, whatever the door (API, admin, command,
-- QuerySet.update(), raw SQL).
--
-- Each logged model declares core.models.change_log_trigger() in its Meta.triggers: a
-- pgtrigger row trigger, after the write, that passes what it saw to this function. The rule:
-- an insert is "created", a delete "deleted"; an update that changes nothing (a save of the
-- same values) is no change; an update moving the record into the trash is "trashed", out of
-- it "restored", any other "changed". Tables without a trash pass false for both.
--
-- Applied with CREATE OR REPLACE by core/migrations/0007_change_log_from_file.py, and again by
-- 0011_core_table_names.py, which gave the table its name. To change the rule: edit this file
-- and add a migration that applies it again (core.sqlfiles).
CREATE OR REPLACE FUNCTION claimtrack_log_change(
    change_type text,
    trigger_operation text,
    changed_object_id bigint,
    row_changed boolean,
    was_in_trash boolean,
    is_in_trash boolean
) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    change_operation text;
BEGIN
    IF trigger_operation = 'INSERT' THEN
        change_operation := 'created';
    ELSIF trigger_operation = 'DELETE' THEN
        change_operation := 'deleted';
    ELSIF NOT row_changed THEN
        RETURN;
    ELSIF is_in_trash AND NOT was_in_trash THEN
        change_operation := 'trashed';
    ELSIF was_in_trash AND NOT is_in_trash THEN
        change_operation := 'restored';
    ELSE
        change_operation := 'changed';
    END IF;
    INSERT INTO core_change (txid, type, object_id, operation, changed_at)
    VALUES (pg_current_xact_id(), change_type, changed_object_id, change_operation, clock_timestamp());
END;
$$;
