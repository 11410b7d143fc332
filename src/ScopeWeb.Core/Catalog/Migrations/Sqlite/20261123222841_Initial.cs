using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ScopeWeb.Core.Catalog.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "groups",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Name = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    Description = table.Column<string>(type: "TEXT", nullable: false),
                    CreatedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_groups", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "sources",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ObjId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    RaDeg = table.Column<double>(type: "REAL", nullable: true),
                    DecDeg = table.Column<double>(type: "REAL", nullable: true),
                    Field = table.Column<int>(type: "INTEGER", nullable: true),
                    Ccd = table.Column<int>(type: "INTEGER", nullable: true),
                    Quad = table.Column<int>(type: "INTEGER", nullable: true),
                    PeriodDays = table.Column<double>(type: "REAL", nullable: true),
                    KnownClass = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    Origin = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    DetectionCount = table.Column<int>(type: "INTEGER", nullable: false),
                    CreatedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_sources", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "annotations",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    SourceId = table.Column<long>(type: "INTEGER", nullable: false),
                    Origin = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    Key = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    Value = table.Column<string>(type: "TEXT", nullable: false),
                    Author = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    CreatedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_annotations", x => x.Id);
                    table.ForeignKey(
                        name: "FK_annotations_sources_SourceId",
                        column: x => x.SourceId,
                        principalTable: "sources",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "classifications",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    SourceId = table.Column<long>(type: "INTEGER", nullable: false),
                    Tag = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Algorithm = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Score = table.Column<double>(type: "REAL", nullable: false),
                    ModelVersion = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    CreatedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_classifications", x => x.Id);
                    table.ForeignKey(
                        name: "FK_classifications_sources_SourceId",
                        column: x => x.SourceId,
                        principalTable: "sources",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "features",
                columns: table => new
                {
                    SourceId = table.Column<long>(type: "INTEGER", nullable: false),
                    ComputedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ValuesJson = table.Column<string>(type: "TEXT", nullable: false),
                    Band = table.Column<string>(type: "TEXT", maxLength: 8, nullable: true),
                    PeriodDays = table.Column<double>(type: "REAL", nullable: true),
                    PeriodSignificance = table.Column<double>(type: "REAL", nullable: true),
                    PeriodAlgorithm = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    Dmdt = table.Column<byte[]>(type: "BLOB", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_features", x => x.SourceId);
                    table.ForeignKey(
                        name: "FK_features_sources_SourceId",
                        column: x => x.SourceId,
                        principalTable: "sources",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "group_members",
                columns: table => new
                {
                    GroupId = table.Column<int>(type: "INTEGER", nullable: false),
                    SourceId = table.Column<long>(type: "INTEGER", nullable: false),
                    SavedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_group_members", x => new { x.GroupId, x.SourceId });
                    table.ForeignKey(
                        name: "FK_group_members_groups_GroupId",
                        column: x => x.GroupId,
                        principalTable: "groups",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_group_members_sources_SourceId",
                        column: x => x.SourceId,
                        principalTable: "sources",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "light_curves",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    SourceId = table.Column<long>(type: "INTEGER", nullable: false),
                    Band = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    PointCount = table.Column<int>(type: "INTEGER", nullable: false),
                    FirstMjd = table.Column<double>(type: "REAL", nullable: false),
                    LastMjd = table.Column<double>(type: "REAL", nullable: false),
                    Data = table.Column<byte[]>(type: "BLOB", nullable: false),
                    UpdatedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_light_curves", x => x.Id);
                    table.ForeignKey(
                        name: "FK_light_curves_sources_SourceId",
                        column: x => x.SourceId,
                        principalTable: "sources",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_annotations_SourceId_Origin_Key",
                table: "annotations",
                columns: new[] { "SourceId", "Origin", "Key" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_classifications_SourceId_Tag_Algorithm",
                table: "classifications",
                columns: new[] { "SourceId", "Tag", "Algorithm" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_classifications_Tag_Algorithm_Score_SourceId",
                table: "classifications",
                columns: new[] { "Tag", "Algorithm", "Score", "SourceId" });

            migrationBuilder.CreateIndex(
                name: "IX_features_PeriodDays",
                table: "features",
                column: "PeriodDays");

            migrationBuilder.CreateIndex(
                name: "IX_group_members_SourceId",
                table: "group_members",
                column: "SourceId");

            migrationBuilder.CreateIndex(
                name: "IX_groups_Name",
                table: "groups",
                column: "Name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_light_curves_SourceId_Band",
                table: "light_curves",
                columns: new[] { "SourceId", "Band" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_light_curves_UpdatedAtUtc",
                table: "light_curves",
                column: "UpdatedAtUtc");

            migrationBuilder.CreateIndex(
                name: "IX_sources_DecDeg_RaDeg",
                table: "sources",
                columns: new[] { "DecDeg", "RaDeg" });

            migrationBuilder.CreateIndex(
                name: "IX_sources_DetectionCount",
                table: "sources",
                column: "DetectionCount");

            migrationBuilder.CreateIndex(
                name: "IX_sources_Field_Ccd_Quad",
                table: "sources",
                columns: new[] { "Field", "Ccd", "Quad" });

            migrationBuilder.CreateIndex(
                name: "IX_sources_Field_ObjId",
                table: "sources",
                columns: new[] { "Field", "ObjId" });

            migrationBuilder.CreateIndex(
                name: "IX_sources_KnownClass_ObjId",
                table: "sources",
                columns: new[] { "KnownClass", "ObjId" });

            migrationBuilder.CreateIndex(
                name: "IX_sources_ObjId",
                table: "sources",
                column: "ObjId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_sources_PeriodDays",
                table: "sources",
                column: "PeriodDays");

            migrationBuilder.CreateIndex(
                name: "IX_sources_RaDeg",
                table: "sources",
                column: "RaDeg");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "annotations");

            migrationBuilder.DropTable(
                name: "classifications");

            migrationBuilder.DropTable(
                name: "features");

            migrationBuilder.DropTable(
                name: "group_members");

            migrationBuilder.DropTable(
                name: "light_curves");

            migrationBuilder.DropTable(
                name: "groups");

            migrationBuilder.DropTable(
                name: "sources");
        }
    }
}
