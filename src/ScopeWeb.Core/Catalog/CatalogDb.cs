using Microsoft.EntityFrameworkCore;

namespace ScopeWeb.Core.Catalog;

/// <summary>
/// The catalog model. Each provider has a thin subclass that owns its own migrations
/// (EF Core "migrations with multiple providers"); callers only see this type.
/// </summary>
public abstract class CatalogDb(DbContextOptions options) : DbContext(options)
{
    public DbSet<Source> Sources => Set<Source>();
    public DbSet<LightCurve> LightCurves => Set<LightCurve>();
    public DbSet<SourceFeatures> Features => Set<SourceFeatures>();
    public DbSet<Classification> Classifications => Set<Classification>();
    public DbSet<Annotation> Annotations => Set<Annotation>();
    public DbSet<SourceGroup> Groups => Set<SourceGroup>();
    public DbSet<GroupMember> GroupMembers => Set<GroupMember>();
    public DbSet<TrainingRun> TrainingRuns => Set<TrainingRun>();
    public DbSet<JobLease> JobLeases => Set<JobLease>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Source>(e =>
        {
            e.ToTable("sources");
            e.Property(s => s.ObjId).HasMaxLength(64);
            e.HasIndex(s => s.ObjId).IsUnique();
            e.Property(s => s.KnownClass).HasMaxLength(64);
            e.Property(s => s.Origin).HasMaxLength(256);
            // Every sortable/filterable column is indexed: the grid pages through a million rows.
            // (dec, ra) covers the cone search's box query: no table lookups for the band of declination.
            e.HasIndex(s => new { s.DecDeg, s.RaDeg });
            e.HasIndex(s => s.RaDeg);
            e.HasIndex(s => s.PeriodDays);
            e.HasIndex(s => new { s.KnownClass, s.ObjId });
            e.HasIndex(s => new { s.Field, s.Ccd, s.Quad });
            // "field = F, sorted by id" (the grid's default order) walks this index instead of the whole id index.
            e.HasIndex(s => new { s.Field, s.ObjId });
            e.HasIndex(s => s.DetectionCount);
        });

        modelBuilder.Entity<LightCurve>(e =>
        {
            e.ToTable("light_curves");
            e.Property(l => l.Band).HasMaxLength(8);
            e.HasOne(l => l.Source).WithMany(s => s.LightCurves).HasForeignKey(l => l.SourceId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(l => new { l.SourceId, l.Band }).IsUnique();
            // The feature job's cheap "anything changed?" poll reads MAX(UpdatedAtUtc).
            e.HasIndex(l => l.UpdatedAtUtc);
        });

        modelBuilder.Entity<SourceFeatures>(e =>
        {
            e.ToTable("features");
            e.HasKey(f => f.SourceId);
            e.HasOne(f => f.Source).WithOne(s => s.Features).HasForeignKey<SourceFeatures>(f => f.SourceId).OnDelete(DeleteBehavior.Cascade);
            e.Property(f => f.Band).HasMaxLength(8);
            e.Property(f => f.PeriodAlgorithm).HasMaxLength(32);
            e.HasIndex(f => f.PeriodDays);
            e.Property(f => f.Error).HasMaxLength(2000);
            // "How many are quarantined" on /sources: a seek on the few non-null rows, not a scan of a million.
            e.HasIndex(f => f.Error);
        });

        modelBuilder.Entity<JobLease>(e =>
        {
            e.ToTable("job_leases");
            e.HasKey(l => new { l.Job, l.SourceId });
            e.Property(l => l.Job).HasMaxLength(32);
            e.Property(l => l.Owner).HasMaxLength(300);
            e.HasOne<Source>().WithMany().HasForeignKey(l => l.SourceId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(l => l.SourceId);
        });

        modelBuilder.Entity<Classification>(e =>
        {
            e.ToTable("classifications");
            e.Property(c => c.Tag).HasMaxLength(64);
            e.Property(c => c.Algorithm).HasMaxLength(32);
            e.Property(c => c.ModelVersion).HasMaxLength(128);
            e.HasOne(c => c.Source).WithMany(s => s.Classifications).HasForeignKey(c => c.SourceId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(c => new { c.SourceId, c.Tag, c.Algorithm }).IsUnique();
            // Covering for the score filter and the score-ordered list (SourceId read from the index).
            e.HasIndex(c => new { c.Tag, c.Algorithm, c.Score, c.SourceId });
        });

        modelBuilder.Entity<Annotation>(e =>
        {
            e.ToTable("annotations");
            e.Property(a => a.Origin).HasMaxLength(128);
            e.Property(a => a.Key).HasMaxLength(128);
            e.Property(a => a.Author).HasMaxLength(128);
            e.HasOne(a => a.Source).WithMany(s => s.Annotations).HasForeignKey(a => a.SourceId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(a => new { a.SourceId, a.Origin, a.Key }).IsUnique();
        });

        modelBuilder.Entity<SourceGroup>(e =>
        {
            e.ToTable("groups");
            e.Property(g => g.Name).HasMaxLength(128);
            e.HasIndex(g => g.Name).IsUnique();
        });

        modelBuilder.Entity<GroupMember>(e =>
        {
            e.ToTable("group_members");
            e.HasKey(m => new { m.GroupId, m.SourceId });
            e.HasOne(m => m.Group).WithMany(g => g.Members).HasForeignKey(m => m.GroupId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne(m => m.Source).WithMany().HasForeignKey(m => m.SourceId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(m => m.SourceId);
        });

        modelBuilder.Entity<TrainingRun>(e =>
        {
            e.ToTable("training_runs");
            e.Property(r => r.Tag).HasMaxLength(64);
            e.Property(r => r.Algorithm).HasMaxLength(32);
            e.Property(r => r.State).HasConversion<string>().HasMaxLength(16);
            e.Property(r => r.Dataset).HasMaxLength(1024);
            e.Property(r => r.DataHash).HasMaxLength(80);
            e.Property(r => r.CardPath).HasMaxLength(1024);
            e.Property(r => r.RequestedBy).HasMaxLength(128);
            e.Property(r => r.OwnerHost).HasMaxLength(256);
            e.HasIndex(r => r.State);
            e.HasIndex(r => new { r.Tag, r.Algorithm });
        });
    }
}

public sealed class SqliteCatalogDb(DbContextOptions<SqliteCatalogDb> options) : CatalogDb(options);

public sealed class PostgresCatalogDb(DbContextOptions<PostgresCatalogDb> options) : CatalogDb(options);
